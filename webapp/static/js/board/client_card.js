/* The client's card in the drawer (GET /api/v1/clients/{id}/card): whether the bot reaches
   them, their sessions with statuses and late-cancel marks, the counts of late cancels and
   no-shows, the reviews of their sessions and the staff's notes, with a note added in place
   (POST /api/v1/clients/{id}/notes). Times are MSK, as on the whole board. */

import { request, t, toast } from "../app.js";
import { detail, el, whileBusy } from "../dom.js";
import { formatTime } from "../format.js";

export const MSK_ZONE = "Europe/Moscow";

/* A moment in MSK, labelled. */
export function mskTime(iso, options) {
  return `${formatTime(iso, { ...options, timeZone: MSK_ZONE })} ${t("msk")}`;
}

/* The readable part of an IANA zone: "America/Argentina/Buenos_Aires" -> "Buenos Aires". */
export function zoneCity(zone) {
  return zone.split("/").pop().replace(/_/g, " ");
}

/* The moment in `zone`, labelled with its city, or null when the client's clock shows what
   Moscow's does (or the zone is one this browser does not know). */
export function clientTime(iso, zone, options) {
  if (!zone || zone === MSK_ZONE) return null;
  try {
    const there = formatTime(iso, { ...options, timeZone: zone });
    if (there === formatTime(iso, { ...options, timeZone: MSK_ZONE })) return null;
    return `${there} ${zoneCity(zone)}`;
  } catch (error) {
    return null; // a RangeError: a zone unknown to this browser's Intl
  }
}

const SHORT = { weekday: "short", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" };

function contact(client) {
  const phone = client.phone
    ? `${client.phone}${client.phone_verified ? "" : ` (${t("client_phone_unverified")})`}`
    : null;
  const telegram = client.username ? `@${client.username}` : client.telegram_id;
  return el("dl", {},
    detail(t("client_reach"), client.unreachable
      ? el("span", { class: "warning" }, t("unreachable"))
      : t("client_reachable")),
    detail(t("phone"), phone),
    detail("Telegram", telegram),
    detail(t("client_zone"), `${zoneCity(client.timezone)} (${client.timezone})`),
    detail(t("client_since"), formatTime(client.created_at, { dateStyle: "medium" })),
  );
}

function sessionItem(session) {
  return el("li", { dataset: { appointmentId: session.id, status: session.status } },
    el("time", { datetime: session.starts_at }, mskTime(session.starts_at, SHORT)),
    el("span", { class: "what" },
      `${t(`status_${session.status}`)} · ${session.psychologist.name}`,
      session.late_cancel ? el("mark", { class: "late-cancel" }, t("late_cancel_mark")) : null),
    session.cancel_reason
      ? el("span", { class: "reason" }, t("history_reason", { reason: session.cancel_reason }))
      : null,
  );
}

function reviewItem(review) {
  const rating = review.rating ? `${"★".repeat(review.rating)} ` : "";
  return el("li", { dataset: { appointmentId: review.appointment_id } },
    el("span", { class: "who" },
      `${t(`review_by_${review.author}`)} · ${formatTime(review.created_at)}`),
    el("span", { class: "what" }, `${rating}${review.text}`),
  );
}

function noteItem(note) {
  return el("li", { dataset: { noteId: note.id } },
    el("span", { class: "what note-text" }, note.text),
    el("span", { class: "who" }, `${note.author} · ${formatTime(note.created_at)}`),
  );
}

function listOr(className, items, empty) {
  return el("ol", { class: `timeline ${className}` },
    items.length ? items : el("li", { class: "empty" }, empty));
}

function noteForm(clientId, list) {
  const text = el("textarea", {
    name: "text", rows: "3", maxlength: "4000", required: true,
    placeholder: t("note_placeholder"), "aria-label": t("note_placeholder"),
  });
  const button = el("button", { type: "submit" }, t("add_note"));
  const form = el("form", { class: "note-form" }, text, button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!text.value.trim()) return;
    whileBusy(button, async () => {
      const note = await request("POST", `/api/v1/clients/${clientId}/notes`, {
        text: text.value,
      });
      list.querySelector(".empty")?.remove();
      list.prepend(noteItem(note));
      text.value = "";
      toast(t("note_added"), "success");
    }).catch((error) => toast(error.message));
  });
  return form;
}

function render(section, card) {
  const draft = section.querySelector(".note-form textarea")?.value || "";
  const notes = listOr("notes", card.notes.map(noteItem), t("no_notes"));
  const reviews = card.reviews.length
    ? [el("h4", {}, t("client_reviews")), listOr("reviews", card.reviews.map(reviewItem), "")]
    : [];
  // replaceChildren() would print a left-out (null) part as "null": every part is a node.
  section.replaceChildren(
    el("h3", {}, t("client_card")),
    contact(card.client),
    el("p", { class: "counts" },
      el("span", { dataset: { count: "late_cancellations" } },
        t("late_cancellations", { count: card.late_cancellations })),
      el("span", { dataset: { count: "no_shows" } }, t("no_shows", { count: card.no_shows }))),
    el("h4", {}, t("client_sessions")),
    listOr("sessions", card.appointments.map(sessionItem), t("client_no_sessions")),
    ...reviews,
    el("h4", {}, t("client_notes")),
    noteForm(card.client.id, notes),
    notes,
  );
  section.querySelector(".note-form textarea").value = draft; // a note being written stays
  section.removeAttribute("aria-busy");
}

/* (Re)fill `section` with the latest card of its client. */
export function refreshCard(section) {
  section.setAttribute("aria-busy", "true");
  request("GET", `/api/v1/clients/${section.dataset.clientId}/card`)
    .then((card) => render(section, card))
    .catch((error) => toast(error.message));
}

/* A section that fills itself with the card of client `clientId`. */
export function clientCardSection(clientId) {
  const section = el("section", {
    class: "client-card", dataset: { clientId }, "aria-busy": "true",
  }, el("h3", {}, t("client_card")));
  refreshCard(section);
  return section;
}
