/* The psychologist's schedule editor: a week of slots in the psychologist's zone. Tapping an
   empty cell opens a slot, tapping an open slot closes it, tapping a booked one shows who is
   coming. With "Repeat weekly" ticked a new slot repeats every week (a weekly rule, listed
   under the grid; its slots carry a ↻). Calls /api/v1/editor/* with the panel token or the
   editor link's secret. */

import { request as apiRequest, confirmed, sessionFor, signInNeeded, t, toast } from "./app.js";
import { detail, el, externalLink, whileBusy } from "./dom.js";
import { locale, wallClockAsUtc } from "./format.js";
import { backCloses, haptic, mainButton } from "./telegram.js";

const FIRST_HOUR = 8;
const LAST_HOUR = 21;
const grid = document.getElementById("week");
const ticket = document.getElementById("ticket");
const weekly = document.getElementById("weekly");
const rulesList = document.querySelector("#rules ul");
let weekStart = null;
let weekZone = null;
let busy = false;

const request = (method, path, body) => apiRequest(method, path, body, { scheduleSecret: true });

/* A refusal in the reader's language when its kind is known, else the server's reason. */
function refusal(error) {
  const code = error.body && error.body.error;
  const known = [
    "slot_booked", "slot_held", "slot_exists", "slot_overlap", "slot_in_past", "rule_exists",
  ];
  return known.includes(code) ? t(`refused_${code}`) : error.message;
}

function shiftDay(iso, days) {
  const date = new Date(`${iso}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function dayLabel(iso) {
  const date = new Date(`${iso}T12:00:00Z`);
  const weekday = new Intl.DateTimeFormat(locale(), { weekday: "short", timeZone: "UTC" })
    .format(date);
  return [weekday, `${iso.slice(8, 10)}.${iso.slice(5, 7)}`];
}

/* A weekday's name, 0 being Monday (1 January 2024 was a Monday). */
function weekdayName(weekday) {
  return new Intl.DateTimeFormat(locale(), { weekday: "long", timeZone: "UTC" })
    .format(new Date(Date.UTC(2024, 0, 1 + weekday)));
}

function times(slots) {
  const all = new Set();
  for (let hour = FIRST_HOUR; hour <= LAST_HOUR; hour += 1) all.add(`${String(hour).padStart(2, "0")}:00`);
  for (const slot of slots) all.add(slot.local.slice(11));
  return [...all].sort();
}

function cell(local, slot, nowLocal) {
  const status = slot ? slot.status : "empty";
  const past = slot ? slot.past : local <= nowLocal;
  const node = el("button", {
    type: "button",
    class: "cell",
    role: "gridcell",
    dataset: { slot: local, status, slotId: slot ? slot.id : "" },
    disabled: past && status !== "booked",
    "aria-label": `${local.replace("T", " ")} ${t(`slot_${status}`)}`,
  }, slot ? local.slice(11) : "");
  markRule(node, slot);
  return node;
}

/* A slot a weekly rule made says so (the ↻ mark, its title). */
function markRule(node, slot) {
  const ruleId = slot && slot.rule_id ? String(slot.rule_id) : "";
  node.dataset.ruleId = ruleId;
  const status = t(`slot_${node.dataset.status}`);
  node.title = ruleId ? `${status} (${t("slot_weekly")})` : status;
}

function ruleText(rule) {
  const text = t("weekly_rule", { weekday: weekdayName(rule.weekday), time: rule.time });
  return rule.timezone === weekZone ? text : `${text} (${rule.timezone})`;
}

function renderRules(rules) {
  rulesList.replaceChildren(...rules.map((rule) => el("li", { dataset: { ruleId: rule.id } },
    el("span", {}, ruleText(rule)),
    el("button", { type: "button", class: "remove-rule", onclick: () => removeRule(rule) },
      t("rule_remove")))));
  document.querySelector("#rules .rules-empty").hidden = rules.length > 0;
}

async function removeRule(rule) {
  const question = t("rule_remove_confirm", {
    weekday: weekdayName(rule.weekday), time: rule.time,
  });
  if (busy || !(await confirmed(question))) return;
  busy = true;
  try {
    const result = await request("DELETE", `/api/v1/editor/rules/${rule.id}`);
    toast(t("rule_removed", { removed: result.removed_slots, kept: result.kept_slots }),
      "success");
    await load(weekStart);
  } catch (error) {
    toast(error.message);
    await load(weekStart).catch(() => {});
  } finally {
    busy = false;
  }
}

/* The psychologist's local "now", to grey out the past. */
function localNow(zone) {
  return wallClockAsUtc(new Date().toISOString(), zone).slice(0, 16);
}

function render(week) {
  weekStart = week.week_start;
  const bySlot = new Map(week.slots.map((slot) => [slot.local, slot]));
  weekZone = week.psychologist.timezone;
  const nowLocal = localNow(weekZone);
  const header = [el("div", { class: "corner" })];
  for (const day of week.days) {
    const [weekday, date] = dayLabel(day);
    header.push(el("div", { class: "day", role: "columnheader" }, el("span", {}, weekday), el("small", {}, date)));
  }
  const rows = times(week.slots).map((time) => [
    el("div", { class: "time", role: "rowheader" }, time),
    ...week.days.map((day) => {
      const local = `${day}T${time}`;
      return cell(local, bySlot.get(local), nowLocal);
    }),
  ]);
  grid.replaceChildren(...header, ...rows.flat());
  grid.setAttribute("aria-busy", "false");
  const first = dayLabel(week.days[0])[1];
  const last = dayLabel(week.days[6])[1];
  document.getElementById("week-label").textContent = `${first} – ${last}`;
  document.getElementById("zone").textContent = t("times_in_zone", { zone: week.psychologist.timezone });
  renderRules(week.rules);
}

async function load(start) {
  grid.setAttribute("aria-busy", "true");
  const query = start ? `?week_start=${start}` : "";
  render(await request("GET", `/api/v1/editor/week${query}`));
}

function markCell(node, slot) {
  node.dataset.status = slot ? slot.status : "empty";
  node.dataset.slotId = slot ? slot.id : "";
  node.textContent = slot ? slot.local.slice(11) : "";
  markRule(node, slot);
}

async function tap(node) {
  if (busy) return;
  busy = true;
  node.classList.add("saving");
  try {
    const status = node.dataset.status;
    if (status === "empty" && weekly.checked) {
      await request("POST", "/api/v1/editor/slots", { local: node.dataset.slot, weekly: true });
      toast(t("weekly_added"), "success");
      await load(weekStart);  // the rule joins the list, and its slots get their mark
    } else if (status === "empty") {
      markCell(node, await request("POST", "/api/v1/editor/slots", { local: node.dataset.slot }));
      haptic("light");
    } else if (status === "free" || status === "held") {
      await request("DELETE", `/api/v1/editor/slots/${node.dataset.slotId}`);
      markCell(node, null);
      haptic("light");
    } else {
      await showTicket(node);
    }
  } catch (error) {
    toast(refusal(error));
    if (error.status === 409) await load(weekStart).catch(() => {});
  } finally {
    node.classList.remove("saving");
    busy = false;
  }
}

async function showTicket(node) {
  const booking = await request("GET", `/api/v1/editor/slots/${node.dataset.slotId}/booking`);
  ticket.querySelector("#ticket-title").textContent = booking.local.replace("T", " ");
  const link = externalLink(booking.meeting_link);
  ticket.querySelector(".drawer-body").replaceChildren(
    el("dl", {},
      detail(t("client"), booking.client_first_name || t("no_name")),
      detail(t("confirmation"), booking.confirmed ? t("confirmed_yes") : t("confirmed_not_yet")),
      detail(t("requests"), booking.queries.length ? booking.queries.join(", ") : null),
      detail(t("lead_number"), booking.lead_number),
      detail(t("meeting_link"), link),
    ),
    el("button", {
      type: "button", class: "remove-booked", onclick: () => removeBooked(node),
    }, t("remove_slot")),
  );
  ticket.hidden = false;
}

async function removeBooked(node) {
  try {
    await request("DELETE", `/api/v1/editor/slots/${node.dataset.slotId}`);
    markCell(node, null);
    closeTicket();
    haptic("success");
  } catch (error) {
    toast(refusal(error));
  }
}

function closeTicket() {
  ticket.hidden = true;
}

/* How many of the asked slots were added and skipped, in a toast (and its haptic). */
function report(result) {
  toast(t("added_skipped", { added: result.added.length, skipped: result.skipped.length }),
    result.added.length ? "success" : "error");
}

async function copyLastWeek() {
  if (busy || !weekStart) return;
  busy = true;
  try {
    const result = await request("POST", "/api/v1/editor/copy-week", { week_start: weekStart });
    if (!result.added.length && !result.skipped.length) toast(t("nothing_to_copy"));
    else report(result);
    await load(weekStart);
  } catch (error) {
    toast(error.message);
  } finally {
    busy = false;
  }
}

const rangeDialog = document.getElementById("range");
const rangeForm = document.getElementById("range-form");
const rangeOpener = document.getElementById("add-range");
const rangeSubmit = rangeForm.querySelector('button[type="submit"]');

function openRange() {
  if (!weekStart) return;
  rangeForm.querySelector(".form-error").textContent = "";
  const today = localNow(weekZone).slice(0, 10);
  // the shown week's Monday, or today when the week has already begun
  rangeForm.elements.date.value = today > weekStart ? today : weekStart;
  rangeDialog.showModal();
}

rangeForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = rangeForm.elements;
  const body = { date: fields.date.value, start: fields.start.value, end: fields.end.value };
  await whileBusy(rangeSubmit, async () => {
    try {
      const result = await request("POST", "/api/v1/editor/bulk", body);
      rangeDialog.close();
      report(result);
      await load(body.date);
    } catch (error) {
      rangeForm.querySelector(".form-error").textContent = error.message;
      haptic("error");
    }
  });
});
rangeForm.querySelector(".cancel").addEventListener("click", () => rangeDialog.close());
document.getElementById("copy-week").addEventListener("click", copyLastWeek);
rangeOpener.addEventListener("click", openRange);
// Inside Telegram: its main button adds a range, then adds it in the dialog; its back button
// closes the dialog or the booking's ticket.
mainButton(rangeOpener);
mainButton(rangeSubmit);
backCloses(rangeDialog, () => rangeDialog.close());
backCloses(ticket, closeTicket);

grid.addEventListener("click", (event) => {
  const node = event.target.closest(".cell");
  if (node && !node.disabled) tap(node);
});
ticket.querySelector(".close").addEventListener("click", closeTicket);
document.getElementById("previous-week").addEventListener("click", () => load(shiftDay(weekStart, -7)).catch((e) => toast(e.message)));
document.getElementById("next-week").addEventListener("click", () => load(shiftDay(weekStart, 7)).catch((e) => toast(e.message)));

(async () => {
  const session = await sessionFor(
    (s) => s.secret || s.role === "psychologist", t("psychologists_only"));
  if (!session) return;
  try {
    await load(null);
  } catch (error) {
    signInNeeded(error.message);
  }
})();
