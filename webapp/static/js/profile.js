/* The psychologist's anketa: every field of /psychologist-form's anketa as a form, loaded from
   and saved to /api/v1/editor/profile. The server is the judge of every value: a refusal is
   shown next to the field it names, and nothing is saved. */

import { request, sessionFor, signInNeeded, t, toast } from "./app.js";
import { el, whileBusy } from "./dom.js";
import { mainButton } from "./telegram.js";

const form = document.getElementById("profile");
const education = document.getElementById("education");
const rowTemplate = document.getElementById("education-row");
const saveButton = document.getElementById("save");
const knownQueries = JSON.parse(document.getElementById("known-queries").textContent);
const EDUCATION_FIELDS = [
  "educationItemProgramTitle", "educationItemTitle", "educationItemType", "educationItemYear",
];

/* A number field's value: empty is no value, a whole number is a number; anything else goes
   to the server as typed, to be refused there by name. */
function numberValue(input) {
  const raw = input.value.trim();
  if (!raw) return input.validity && input.validity.badInput ? raw : null;
  const value = Number(raw);
  return Number.isInteger(value) ? value : raw;
}

function valueOf(input) {
  if (input.dataset.kind === "switch") return input.checked;
  if (input.dataset.kind === "number") return numberValue(input);
  return input.value;
}

function setValue(input, value) {
  if (input.dataset.kind === "switch") input.checked = Boolean(value);
  else input.value = value === null || value === undefined ? "" : String(value);
}

/* --- the lists: every value is a checkbox, ticked when it is the psychologist's; a typed
   value is added ticked. The requests also offer those clients choose from in the bot. */

function option(box, value, checked) {
  const options = box.querySelector(".options");
  const existing = [...options.querySelectorAll("input")].find((input) => input.value === value);
  if (existing) {
    existing.checked = existing.checked || checked;
    return;
  }
  options.append(el("label", { class: "chip" },
    el("input", { type: "checkbox", value, checked }), el("span", {}, value)));
}

function fillList(box, values) {
  box.querySelector(".options").replaceChildren();
  for (const value of values) option(box, value, true);
  if (box.dataset.list === "queries") for (const value of knownQueries) option(box, value, false);
}

function listValue(box) {
  return [...box.querySelectorAll(".options input:checked")].map((input) => input.value);
}

function addTyped(box) {
  const input = box.querySelector(".add-item input");
  const value = input.value.trim();
  if (value) option(box, value, true);
  input.value = "";
  input.focus();
}

/* --- the education rows */

function addRow(item = {}) {
  const row = rowTemplate.content.firstElementChild.cloneNode(true);
  for (const name of EDUCATION_FIELDS) {
    setValue(row.querySelector(`[data-name="${name}"] input`), item[name]);
  }
  education.append(row);
  numberRows();
  return row;
}

/* Rows carry their index in `data-field`, as the server names a row's fields. */
function numberRows() {
  [...education.children].forEach((row, index) => {
    for (const label of row.querySelectorAll("[data-name]")) {
      label.dataset.field = `education.${index}.${label.dataset.name}`;
    }
  });
}

function rowValue(row) {
  const item = {};
  for (const name of EDUCATION_FIELDS) {
    item[name] = valueOf(row.querySelector(`[data-name="${name}"] input`));
  }
  return item;
}

/* --- the whole anketa */

function fill(anketa) {
  for (const input of form.querySelectorAll("[name]")) setValue(input, anketa[input.name]);
  for (const box of form.querySelectorAll("[data-list]")) fillList(box, anketa[box.dataset.list] || []);
  education.replaceChildren();
  for (const item of anketa.education || []) addRow(item);
}

function anketaOf() {
  const anketa = {};
  for (const input of form.querySelectorAll("[name]")) anketa[input.name] = valueOf(input);
  for (const box of form.querySelectorAll("[data-list]")) anketa[box.dataset.list] = listValue(box);
  anketa.education = [...education.children].map(rowValue);
  return anketa;
}

function clearProblems() {
  for (const box of form.querySelectorAll(".field-error")) box.textContent = "";
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  document.getElementById("form-error").textContent = "";
}

/* The element the server's field names: "education.1.educationItemYear" is that row's year,
   "queries.3" is the requests' list. */
function fieldBox(field) {
  const parts = String(field || "").split(".");
  while (parts.length) {
    const box = form.querySelector(`[data-field="${CSS.escape(parts.join("."))}"]`);
    if (box) return box;
    parts.pop();
  }
  return null;
}

function showProblem(error) {
  const field = error.body && error.body.field;
  const box = fieldBox(field);
  const taken = error.status === 409 && field === "name";
  if (!box) {
    document.getElementById("form-error").textContent = error.message;
    return;
  }
  // The field's own hint says the rule in the reader's language; the server's reason says
  // what else went wrong.
  const hint = box.querySelector(".hint");
  box.querySelector(".field-error").textContent = taken ? t("profile_name_taken")
    : hint ? hint.textContent : error.message;
  const input = box.querySelector("input, textarea");
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

async function save(event) {
  event.preventDefault();
  clearProblems();
  await whileBusy(saveButton, async () => {
    try {
      fill(await request("PUT", "/api/v1/editor/profile", anketaOf()));
      toast(t("profile_saved"), "success");
    } catch (error) {
      if (error.status === 400 || error.status === 409 || error.status === 422) {
        showProblem(error);
        toast(t("profile_not_saved"));
      } else {
        toast(error.message);
      }
    }
  });
}

form.addEventListener("submit", save);
// In Telegram the form is saved from its main button.
mainButton(saveButton);
form.addEventListener("input", (event) => {
  // A field being corrected is no longer marked (the server judges it again on saving).
  const box = event.target.closest("[data-field]");
  if (!box || !event.target.hasAttribute("aria-invalid")) return;
  event.target.removeAttribute("aria-invalid");
  box.querySelector(".field-error").textContent = "";
});
document.getElementById("add-education").addEventListener("click", () => {
  addRow().querySelector("input").focus();
});
education.addEventListener("click", (event) => {
  const remove = event.target.closest(".remove");
  if (!remove) return;
  remove.closest(".education-row").remove();
  numberRows();
});
for (const box of form.querySelectorAll("[data-list]")) {
  box.querySelector(".add").addEventListener("click", () => addTyped(box));
  box.querySelector(".add-item input").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      addTyped(box);
    }
  });
}

(async () => {
  const session = await sessionFor(
    (s) => s.token && s.role === "psychologist", t("profile_psychologists_only"));
  if (!session) return;
  try {
    fill(await request("GET", "/api/v1/editor/profile"));
    form.hidden = false;
  } catch (error) {
    signInNeeded(error.message);
  }
})();
