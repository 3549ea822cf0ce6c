/* The clients' booking calendar: pick a psychologist, tap a free time (FullCalendar), which
   holds it (POST /api/v1/slots/{id}/hold), then confirm (POST /api/v1/appointments). Every
   time is shown in the client's own zone (GET /api/v1/clients/me), with its label, whatever
   the device's zone is. */

import { request, sessionFor, signInNeeded, t, toast } from "./app.js";
import { el, whileBusy } from "./dom.js";
import { formatTime, wallClockAsUtc } from "./format.js";
import { newCalendar } from "./fullcalendar.js";
import { backCloses, haptic, initData, mainButton, telegramApp } from "./telegram.js";

const pick = document.getElementById("pick");
const confirmPanel = document.getElementById("confirm");
const done = document.getElementById("done");
const contactPanel = document.getElementById("contact");
const chooser = document.getElementById("psychologist");
let calendar = null;
let chosen = null;
let holdTimer = null;
let me = null; // the client: `timezone` and its `timezone_label`

const DAY_MS = 86400000;
const utcDay = (date) => date.toISOString().slice(0, 10);

/* `iso` in the client's zone, labelled: "понедельник, 7 декабря 2026 г., 12:00 (Берлин)". */
function labelled(iso, options) {
  return `${formatTime(iso, { ...options, timeZone: me.timezone })} (${me.timezone_label})`;
}

function showPanel(panel) {
  for (const section of [pick, confirmPanel, done, contactPanel]) {
    section.hidden = section !== panel;
  }
  if (panel === pick && calendar) calendar.updateSize();
}

async function freeTimes(info) {
  if (!chooser.value) return [];
  // The calendar's days are the client's; the API's are Moscow's: ask a day more each side.
  const query = new URLSearchParams({
    psychologist_id: chooser.value,
    date_from: utcDay(new Date(info.start.getTime() - DAY_MS)),
    date_to: utcDay(new Date(info.end.getTime() + DAY_MS - 1)),
  });
  const slots = await request("GET", `/api/v1/slots/available?${query}`);
  const events = slots.map((slot) => ({
    id: String(slot.id),
    title: slot.psychologist,
    start: wallClockAsUtc(slot.starts_at, me.timezone),
    end: wallClockAsUtc(
      new Date(Date.parse(slot.starts_at) + slot.duration_min * 60000).toISOString(),
      me.timezone,
    ),
    classNames: ["bookable"],
    extendedProps: { slot },
  })).filter((event) => {
    const start = Date.parse(event.start);
    return start >= info.start.getTime() && start < info.end.getTime();
  });
  document.getElementById("no-slots").hidden = events.length > 0;
  return events;
}

async function loadPsychologists() {
  const slots = await request("GET", "/api/v1/slots/available");
  const names = new Map(slots.map((slot) => [slot.psychologist_id, slot.psychologist]));
  chooser.replaceChildren(...[...names].map(([id, name]) => el("option", { value: id }, name)));
  document.getElementById("no-slots").hidden = names.size > 0;
}

async function hold(slot) {
  try {
    const answer = await request("POST", `/api/v1/slots/${slot.id}/hold`);
    chosen = slot;
    const when = labelled(slot.starts_at, { dateStyle: "full", timeStyle: "short" });
    confirmPanel.querySelector(".when").textContent = when;
    confirmPanel.querySelector(".who").textContent = slot.psychologist;
    confirmPanel.querySelector(".held").textContent = t("held_until", {
      time: labelled(answer.held_until, { hour: "2-digit", minute: "2-digit" }),
    });
    confirmPanel.querySelector(".form-error").textContent = "";
    clearTimeout(holdTimer);
    holdTimer = setTimeout(() => {
      confirmPanel.querySelector(".form-error").textContent = t("hold_ran_out");
    }, Date.parse(answer.held_until) - Date.now());
    showPanel(confirmPanel);
    haptic("light");
  } catch (error) {
    toast(error.message);
    calendar.refetchEvents();
  }
}

async function book() {
  try {
    const appointment = await request("POST", "/api/v1/appointments", { slot_id: chosen.id });
    clearTimeout(holdTimer);
    done.querySelector(".done-text").textContent = t("booked_text", {
      when: labelled(appointment.starts_at, { dateStyle: "full", timeStyle: "short" }),
      name: appointment.psychologist.name,
    });
    done.dataset.appointmentId = appointment.id;
    showPanel(done);
    haptic("success");
  } catch (error) {
    confirmPanel.querySelector(".form-error").textContent = error.message;
    haptic("error");
  }
}

function createCalendar() {
  calendar = newCalendar(document.getElementById("booking-calendar"), {
    phoneView: "listWeek",
    view: "timeGridWeek",
    timeZone: "UTC", // the events carry the client's wall clock (wallClockAsUtc)
    headerToolbar: { left: "prev,next", center: "title", right: "today" },
    validRange: { start: wallClockAsUtc(new Date().toISOString(), me.timezone).slice(0, 10) },
    events: (info, ok, fail) => freeTimes(info).then(ok, fail),
    eventDidMount: (info) => { info.el.dataset.slotId = info.event.id; },
    eventClick: (info) => {
      info.jsEvent.preventDefault();
      hold(info.event.extendedProps.slot);
    },
  });
  calendar.render();
}

/* The client's own record (made on the first visit), and their phone as Telegram vouches
   for it: asked once with requestContact where Telegram offers it. A phone-booked
   client's sessions become theirs only this way. */
async function signInAsClient() {
  const signed = initData();
  if (!signed) return;
  const answer = await request(
    "POST", "/api/v1/clients/auth", { init_data: signed }, { anonymous: true });
  const webApp = telegramApp();
  if (answer.client.phone_verified || !webApp || !webApp.requestContact) return;
  showPanel(contactPanel);
  await new Promise((resolve) => {
    contactPanel.querySelector(".skip").addEventListener("click", resolve, { once: true });
    contactPanel.querySelector(".share").addEventListener("click", () => {
      webApp.requestContact((shared, result) => {
        const error = contactPanel.querySelector(".form-error");
        if (!shared || !result || !result.response) {
          error.textContent = t("contact_not_shared");
          return;
        }
        request("POST", "/api/v1/clients/auth", { init_data: signed, contact: result.response },
          { anonymous: true })
          .then(() => { toast(t("contact_saved"), "success"); resolve(); })
          .catch((problem) => { error.textContent = problem.message; });
      });
    });
  });
}

chooser.addEventListener("change", () => calendar.refetchEvents());
confirmPanel.querySelector(".back").addEventListener("click", () => showPanel(pick));
const bookButton = confirmPanel.querySelector(".book");
bookButton.addEventListener("click", () => whileBusy(bookButton, book));
// Inside Telegram its main button shares the number and books; its back button leaves the
// confirmation for the calendar.
mainButton(contactPanel.querySelector(".share"));
mainButton(bookButton);
backCloses(confirmPanel, () => showPanel(pick));
done.querySelector(".again").addEventListener("click", () => {
  calendar.refetchEvents();
  showPanel(pick);
});

(async () => {
  const session = await sessionFor(
    (s) => s.token && s.role === "client", t("clients_only"));
  if (!session) return;
  try {
    await signInAsClient();
    me = await request("GET", "/api/v1/clients/me");
    document.getElementById("zone").textContent = t("times_in_zone", { zone: me.timezone_label });
    await loadPsychologists();
  } catch (error) {
    signInNeeded(error.message);
    return;
  }
  showPanel(pick);
  createCalendar();
})();
