/* Importing a client base: upload the file, show what the import did, row by row. */

import { managersOnly, request, t, toast } from "./app.js";
import { el } from "./dom.js";
import { haptic } from "./telegram.js";

const form = document.getElementById("import-form");
const report = document.getElementById("import-report");

function show(answer) {
  for (const name of ["created", "updated", "skipped"]) {
    report.querySelector(`[data-field="${name}"]`).textContent = answer[name];
  }
  const rows = answer.errors.map((problem) => el("tr", {},
    el("td", {}, problem.row), el("td", {}, problem.reason)));
  report.querySelector("tbody").replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "2" }, t("no_problems")))]));
  report.hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    show(await request("POST", "/api/v1/system/import", new FormData(form)));
    haptic("success");
  } catch (error) {
    toast(error.message);
  } finally {
    button.disabled = false;
  }
});

(async () => {
  if (!(await managersOnly())) form.hidden = true;
})();
