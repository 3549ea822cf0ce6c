/* The board's waitlist tab: the whole line, first in line first (GET /api/v1/waitlist):
   the client, the psychologist or "any", the window (days, weekdays, start times, in the
   client's zone), the state and, for an open offer, until when the time is held. */

import { request, t, toast } from "../app.js";
import { el } from "../dom.js";
import { formatTime, locale } from "../format.js";
import { filters } from "./filters.js";

const view = document.getElementById("waitlist-view");
const list = view.querySelector(".waitlist-list");

/* 0 is Monday: 2024-01-01 was one. */
function weekdayName(day) {
  return new Intl.DateTimeFormat(locale(), { weekday: "short", timeZone: "UTC" })
    .format(new Date(Date.UTC(2024, 0, 1 + day)));
}

function dayMonth(iso) {
  return `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;
}

function windowText(entry) {
  const parts = [`${dayMonth(entry.date_from)}–${dayMonth(entry.date_to)}`];
  if (entry.weekdays.length) parts.push(entry.weekdays.map(weekdayName).join(", "));
  if (entry.time_from || entry.time_to) {
    parts.push(`${entry.time_from || "00:00"}–${entry.time_to || "23:59"}`);
  }
  parts.push(entry.timezone);
  return parts.join(" · ");
}

function renderRow(entry) {
  const offer = entry.offer
    ? t("waitlist_offer_until", { time: formatTime(entry.offer.expires_at) })
    : null;
  return el("li", { class: "staff-row waitlist-row", dataset: { entryId: entry.id } },
    el("span", { class: "position" }, String(entry.position)),
    el("span", { class: "who" },
      el("strong", {}, entry.client || t("no_name")),
      el("span", { class: "meta" },
        el("span", { class: `badge state${entry.state === "offered" ? " ok" : ""}` },
          t(`waitlist_state_${entry.state}`)),
        entry.psychologist || t("waitlist_any"),
        windowText(entry),
        offer)),
  );
}

async function load() {
  list.setAttribute("aria-busy", "true");
  const { entries } = await request("GET", "/api/v1/waitlist");
  list.replaceChildren(...entries.map(renderRow));
  if (!entries.length) list.replaceChildren(el("li", { class: "hint" }, t("waitlist_empty")));
  list.removeAttribute("aria-busy");
}

export function showWaitlist(visible) {
  view.hidden = !visible;
  if (visible) {
    filters.hidden = true; // the board's filters mean nothing here
    load().catch((error) => toast(error.message));
  }
}
