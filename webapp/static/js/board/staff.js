/* The board's admin tab: managers and psychologists with their state and a toggle that
   deactivates (after a confirmation) or reactivates them (PATCH /api/v1/staff/...), and
   single-use invite links for a new manager or psychologist (POST /api/v1/staff/invites). */

import { confirmed, request, signedInRole, t, toast } from "../app.js";
import { el } from "../dom.js";
import { formatTime } from "../format.js";
import { haptic } from "../telegram.js";
import { filters } from "./filters.js";
import { board } from "./kanban.js";

const PATHS = { manager: "managers", psychologist: "psychologists" };
const tab = document.querySelector('.view-switch [data-view="staff"]');
const view = document.getElementById("staff-view");
const inviteForm = document.getElementById("invite-form");

const list = (kind) => view.querySelector(`.staff-list[data-kind="${PATHS[kind]}"]`);

function renderRow(kind, person) {
  const meta = [
    kind === "manager" ? t(`staff_role_${person.role}`) : null,
    person.telegram_id ? `Telegram ${person.telegram_id}` : null,
  ].filter(Boolean).join(" · ");
  return el("li", {
    class: `staff-row${person.active ? "" : " inactive"}`,
    dataset: { staffKind: kind, staffId: person.id, active: String(person.active) },
  },
    el("span", { class: "who" },
      el("strong", {}, person.name || t("no_name")),
      el("span", { class: "meta" },
        el("span", { class: `badge state${person.active ? " ok" : ""}` },
          t(person.active ? "staff_active" : "staff_inactive")),
        meta)),
    el("button", { type: "button", class: "toggle", onclick: () => toggle(kind, person) },
      t(person.active ? "staff_deactivate" : "staff_activate")),
  );
}

function fill(kind, people) {
  const node = list(kind);
  node.replaceChildren(...people.map((person) => renderRow(kind, person)));
  if (!people.length) node.replaceChildren(el("li", { class: "hint" }, t("staff_nobody")));
  node.removeAttribute("aria-busy");
}

async function load() {
  const staff = await request("GET", "/api/v1/staff");
  fill("manager", staff.managers);
  fill("psychologist", staff.psychologists);
}

async function toggle(kind, person) {
  const active = !person.active;
  const name = person.name || t("no_name");
  // Deactivating takes effect at once for the person; reactivating harms nobody.
  if (!active && !(await confirmed(t(`staff_confirm_${kind}`, { name })))) return;
  const row = list(kind).querySelector(`[data-staff-id="${person.id}"]`);
  row.classList.add("saving");
  row.querySelector(".toggle").disabled = true;
  try {
    const changed = await request("PATCH", `/api/v1/staff/${PATHS[kind]}/${person.id}`, { active });
    row.replaceWith(renderRow(kind, changed));
    toast(t(active ? "staff_activated" : "staff_deactivated", { name }), "success");
  } catch (error) {
    row.classList.remove("saving");
    row.querySelector(".toggle").disabled = false;
    toast(t("staff_refused", { reason: error.message }));
  }
}

/* --- invites */
const linkBox = inviteForm.querySelector(".invite-link");

inviteForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const role = inviteForm.elements.role.value;
  const submit = inviteForm.querySelector('button[type="submit"]');
  submit.disabled = true;
  try {
    const invite = await request("POST", "/api/v1/staff/invites", { role });
    inviteForm.elements.link.value = invite.link;
    linkBox.querySelector(".hint").textContent = t(`staff_invite_${role}`, {
      time: formatTime(invite.expires_at),
    });
    linkBox.dataset.role = role;
    linkBox.hidden = false;
    haptic("success");
  } catch (error) {
    toast(error.message);
  } finally {
    submit.disabled = false;
  }
});

inviteForm.querySelector(".copy").addEventListener("click", async () => {
  const field = inviteForm.elements.link;
  try {
    await navigator.clipboard.writeText(field.value);
  } catch (error) {
    // Some webviews have no clipboard API or refuse it: copy the selected text instead.
    field.select();
    if (!document.execCommand("copy")) {
      toast(t("staff_copy_by_hand"));
      return;
    }
  }
  toast(t("staff_link_copied"), "success");
});

/* --- the tab */
export function showStaff(visible) {
  view.hidden = !visible;
  filters.hidden = visible; // the board's filters mean nothing here
  if (visible) load().catch((error) => toast(error.message));
}

/* board.js opens the session; once the board has loaded, the session is in place and its
   role decides whether the tab shows (the API refuses everyone but admins anyway). */
const watcher = new MutationObserver(() => {
  tab.hidden = signedInRole() !== "admin";
  watcher.disconnect();
});
watcher.observe(board, { attributes: true, attributeFilter: ["data-loaded"] });
