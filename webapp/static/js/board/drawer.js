/* The drawer of one appointment: its details, the statuses it may move to, its history
   (GET /api/v1/appointments/{id}/history) and the client's card (board/client_card.js). It
   opens on a card's click or Enter, or on a session in the calendar, and follows the
   appointment's changes while open; a client found by the search opens it with the card alone. */

import { request, t, toast } from "../app.js";
import { detail, el, externalLink } from "../dom.js";
import { formatTime } from "../format.js";
import { backCloses, haptic } from "../telegram.js";
import { clientCardSection, clientTime, mskTime, refreshCard } from "./client_card.js";
import { board, cancelConfirmed, cardAppointment, onPlaced, place, seriesText } from "./kanban.js";

const drawer = document.getElementById("drawer");

/* The client's card section: the one the open drawer already shows for that client,
   refreshed (a note being written survives the appointment's changes), else a new one. */
function cardOf(clientId) {
  const shown = drawer.hidden ? null : drawer.querySelector(".client-card");
  if (!shown || shown.dataset.clientId !== String(clientId)) return clientCardSection(clientId);
  refreshCard(shown);
  return shown;
}

const WHEN = { dateStyle: "full", timeStyle: "short" };

export function openDrawer(appointment) {
  if (!appointment) return;
  const id = appointment.id;
  const client = appointment.client;
  drawer.dataset.appointmentId = id;
  const theirs = clientTime(appointment.starts_at, client.timezone, WHEN);
  drawer.querySelector("#drawer-title").textContent = client.name || client.phone || t("no_name");
  const phone = client.phone ? el("a", { href: `tel:${client.phone}` }, client.phone) : null;
  const link = externalLink(appointment.meeting_link);
  const actions = appointment.allowed_statuses.map((status) => el("button", {
    type: "button", class: "status-button", dataset: { status },
    onclick: () => changeStatus(id, status),
  }, t(`status_${status}`)));
  // el() drops the null parts (replaceChildren would print them as "null").
  drawer.querySelector(".drawer-body").replaceChildren(el("div", {},
    client.unreachable ? el("p", { class: "warning" }, t("unreachable_hint")) : null,
    el("dl", {},
      detail(t("when"), el("span", { class: "when" }, mskTime(appointment.starts_at, WHEN),
        theirs ? el("span", { class: "client-time" }, ` · ${theirs}`) : null)),
      detail(t("status"), t(`status_${appointment.status}`)),
      detail(t("series"), seriesText(appointment.series)),
      detail(t("confirmed"), appointment.confirmed ? t("yes") : t("no")),
      detail(t("psychologist"), appointment.psychologist.name),
      detail(t("service"), appointment.service && appointment.service.name),
      detail(t("price"), appointment.price),
      detail(t("phone"), phone),
      detail("Telegram", client.telegram_id),
      detail(t("meeting_link"), link),
      detail(t("created_by"), t(`actor_${appointment.created_by}`)),
      detail(t("created_at"), formatTime(appointment.created_at)),
      detail(t("updated_at"), formatTime(appointment.updated_at)),
    ),
    actions.length ? el("h3", {}, t("move_to")) : null,
    el("div", { class: "status-actions" }, actions),
    el("h3", {}, t("history")),
    el("ol", { class: "history", "aria-busy": "true" }),
    cardOf(client.id),
  ));
  drawer.hidden = false;
  loadHistory(id).catch((error) => toast(error.message));
}

/* The drawer with a client's card alone (a client found by the search). */
export function openClientDrawer(client) {
  delete drawer.dataset.appointmentId;
  drawer.querySelector("#drawer-title").textContent = client.name || client.phone || t("no_name");
  drawer.querySelector(".drawer-body").replaceChildren(cardOf(client.id));
  drawer.hidden = false;
}

function historyText(entry) {
  const details = entry.details;
  const status = (value) => t(`status_${value}`);
  const moment = (iso) => (iso ? formatTime(iso) : "?");
  switch (entry.action) {
    case "appointment.created": return t("history_created");
    case "appointment.confirmed": return t("history_confirmed");
    case "appointment.status":
      return t("history_status", { previous: status(details.previous), status: status(details.status) });
    case "appointment.rescheduled":
      return t("history_rescheduled", {
        from: moment(details.from_starts_at), to: moment(details.to_starts_at),
      });
    case "appointment.cancelled":
      if (details.auto) return t("history_cancelled_auto");
      return t(details.late_cancel ? "history_cancelled_late" : "history_cancelled");
    case "appointment.meeting_link": return t("history_meeting_link");
    case "appointment.events_planned": return t("history_events_planned");
    case "review.saved":
      return t(details.author === "psychologist" ? "history_review_psychologist" : "history_review_client");
    default: return entry.action;
  }
}

async function loadHistory(id) {
  const entries = await request("GET", `/api/v1/appointments/${id}/history`);
  const list = drawer.querySelector(".history");
  // The drawer may have moved on to another appointment meanwhile.
  if (!list || drawer.dataset.appointmentId !== String(id)) return;
  const who = (entry) => [t(`actor_${entry.actor}`), entry.actor_name].filter(Boolean).join(" · ");
  list.replaceChildren(...entries.map((entry) => el("li", { dataset: { action: entry.action } },
    el("time", { datetime: entry.at }, formatTime(entry.at)),
    el("span", { class: "what" }, historyText(entry)),
    entry.details.reason ? el("span", { class: "reason" }, t("history_reason", {
      reason: entry.details.reason,
    })) : null,
    el("span", { class: "who" }, who(entry)),
  )));
  if (!entries.length) list.replaceChildren(el("li", {}, t("history_empty")));
  list.removeAttribute("aria-busy");
}

function closeDrawer() {
  drawer.hidden = true;
}

async function changeStatus(id, status) {
  if (status === "cancelled" && !(await cancelConfirmed(cardAppointment(id)))) return;
  try {
    place(await request("PATCH", `/api/v1/appointments/${id}/status`, { status }));
    haptic("success");
  } catch (error) {
    toast(t("move_refused", { reason: error.message }));
  }
}

onPlaced((appointment) => {
  if (!drawer.hidden && drawer.dataset.appointmentId === String(appointment.id)) {
    openDrawer(appointment);
  }
});

board.addEventListener("click", (event) => {
  const node = event.target.closest(".card");
  if (node) openDrawer(cardAppointment(Number(node.dataset.appointmentId)));
});
board.addEventListener("keydown", (event) => {
  const node = event.target.closest(".card");
  if (node && event.key === "Enter") openDrawer(cardAppointment(Number(node.dataset.appointmentId)));
});
drawer.querySelector(".close").addEventListener("click", closeDrawer);
backCloses(drawer, closeDrawer);
