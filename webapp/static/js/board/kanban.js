/* The columns: one per status, each card at its place in time, dragged between columns
   (SortableJS) through PATCH /api/v1/appointments/{id}/status. */

import { confirmed, request, t, toast } from "../app.js";
import { el } from "../dom.js";
import { formatTime } from "../format.js";
import { haptic } from "../telegram.js";
import { filterValues, rememberPsychologist } from "./filters.js";

export const STATUSES = ["new", "confirmed", "completed", "cancelled", "no_show"];
export const board = document.getElementById("board");
const cards = new Map();
// Whoever shows an appointment besides its card (the drawer, the calendar) follows its changes.
const followers = [];

const column = (status) => board.querySelector(`.cards[data-status="${status}"]`);
const cardNode = (id) => board.querySelector(`.card[data-appointment-id="${id}"]`);

/* The appointment of the card `id`, if the columns have had it. */
export const cardAppointment = (id) => cards.get(id);

export function onPlaced(follower) {
  followers.push(follower);
}

/* "Weekly series, 3 of 6" for a card of a series (null otherwise); the drawer says it too. */
export const seriesText = (series) =>
  series ? t("series_place", { number: series.number, count: series.count }) : null;

function seriesBadge(series) {
  if (!series) return null;
  return el("span", { class: "badge series", title: seriesText(series) }, "↻");
}

function renderCard(appointment) {
  const client = appointment.client;
  return el("article", {
    class: `card${client.unreachable ? " unreachable" : ""}`,
    dataset: { appointmentId: appointment.id, startsAt: appointment.starts_at },
    tabindex: "0",
    "aria-label": `${client.name || client.phone || ""} ${formatTime(appointment.starts_at)}`,
  },
    el("time", { datetime: appointment.starts_at }, formatTime(appointment.starts_at)),
    el("strong", { class: "client" }, client.name || client.phone || t("no_name")),
    el("span", { class: "psychologist" }, appointment.psychologist.name),
    appointment.service ? el("span", { class: "service" }, appointment.service.name) : null,
    el("span", { class: "badges" },
      appointment.confirmed ? el("span", { class: "badge ok", title: t("confirmed") }, "✓") : null,
      client.unreachable
        ? el("span", { class: "badge warn", title: t("unreachable") }, "⚠ " + t("unreachable"))
        : null,
      appointment.created_by === "manager" || appointment.created_by === "admin"
        ? el("span", { class: "badge", title: t("booked_by_manager") }, "☎")
        : null,
      seriesBadge(appointment.series)),
  );
}

function countColumns() {
  for (const status of STATUSES) {
    const section = board.querySelector(`.column[data-status="${status}"] .count`);
    section.textContent = column(status).children.length;
  }
}

/* Put the card in its column at its place in time; `fresh` makes it fly in. */
export function place(appointment, { fresh = false } = {}) {
  cards.set(appointment.id, appointment);
  rememberPsychologist(appointment.psychologist);
  const old = cardNode(appointment.id);
  const node = renderCard(appointment);
  if (old) old.remove();
  const target = column(appointment.status);
  const later = [...target.children].find((other) => other.dataset.startsAt > appointment.starts_at);
  target.insertBefore(node, later || null);
  if (fresh) {
    node.classList.add("fly-in");
    node.addEventListener("animationend", () => node.classList.remove("fly-in"), { once: true });
  }
  countColumns();
  for (const follower of followers) follower(appointment);
  return node;
}

/* The card leaves the columns (its appointment no longer matches the filters). */
export function removeCard(id) {
  const node = cardNode(id);
  if (!node) return;
  node.remove();
  countColumns();
}

export async function loadBoard() {
  const query = new URLSearchParams(filterValues());
  const answer = await request("GET", `/api/v1/dashboard/board?${query}`);
  for (const status of STATUSES) column(status).replaceChildren();
  cards.clear();
  for (const status of STATUSES) for (const appointment of answer.columns[status]) place(appointment);
  countColumns();
  board.dataset.loaded = "true";
}

/* Cancelling tells the client at once, so the manager says yes first. */
export function cancelConfirmed(appointment) {
  const client = appointment.client;
  return confirmed(t("cancel_confirm", {
    name: client.name || client.phone || t("no_name"),
    when: formatTime(appointment.starts_at, { dateStyle: "long", timeStyle: "short" }),
  }));
}

/* Drag and drop: the server decides; a refused move snaps back with its reason. */
async function moved(event) {
  const node = event.item;
  const id = Number(node.dataset.appointmentId);
  const status = event.to.dataset.status;
  if (event.from === event.to) return;
  const putBack = () => {
    // A live update may have placed the card anew meanwhile; then it is where it belongs.
    if (node.isConnected) {
      event.from.insertBefore(node, event.from.children[event.oldIndex] || null);
    }
    node.classList.remove("saving");
    countColumns();
  };
  node.classList.add("saving");
  if (status === "cancelled" && !(await cancelConfirmed(cards.get(id)))) {
    // Drawn anew where it was: SortableJS ignores a second press on the element it last
    // saw pressed.
    place(cards.get(id));
    return;
  }
  try {
    const appointment = await request("PATCH", `/api/v1/appointments/${id}/status`, { status });
    place(appointment);
    haptic("success");
  } catch (error) {
    putBack();
    node.classList.add("rejected");
    node.addEventListener("animationend", () => node.classList.remove("rejected"), { once: true });
    toast(t("move_refused", { reason: error.message }));
  }
}

export function enableDragging() {
  for (const status of STATUSES) {
    Sortable.create(column(status), {
      group: "board",
      sort: false,
      animation: 150,
      delay: 150,
      delayOnTouchOnly: true,
      ghostClass: "ghost",
      // One pointer-driven drag for mouse and touch alike (native HTML5 drag has no touch).
      forceFallback: true,
      fallbackTolerance: 4,
      onEnd: moved,
    });
  }
}

export function showColumns(visible) {
  board.hidden = !visible;
}
