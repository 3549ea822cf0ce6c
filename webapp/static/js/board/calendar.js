/* The calendar (FullCalendar): sessions by time, free slots behind them as drop targets. A
   session dragged onto a free slot of its psychologist is rescheduled
   (PATCH /api/v1/appointments/{id}/reschedule); anywhere else it goes back. */

import { request, t, toast } from "../app.js";
import { isoDay } from "../format.js";
import { newCalendar } from "../fullcalendar.js";
import { haptic } from "../telegram.js";
import { openDrawer } from "./drawer.js";
import { filterValues, rememberPsychologist } from "./filters.js";
import { STATUSES, cardAppointment, onPlaced, place } from "./kanban.js";

const ACTIVE = ["new", "confirmed"];
const PALETTE = ["#2481cc", "#8e44ad", "#16a085", "#d35400", "#c0392b", "#2c3e50", "#7f8c8d"];
const section = document.getElementById("calendar-view");
// The sessions the calendar shows (its weeks need not be the columns' dates).
const appointments = new Map();
let calendar = null;
let freeSlots = [];
let refetchTimer = null;

const colour = (psychologistId) => PALETTE[psychologistId % PALETTE.length];
const slotEnd = (slot) => Date.parse(slot.starts_at) + slot.duration_min * 60000;

/* The calendar's visible days as the API's date range (the board's own filters decide
   the branch and the psychologist; its date filters belong to the columns). */
function rangeQuery(info) {
  const query = new URLSearchParams({
    date_from: isoDay(info.start),
    date_to: isoDay(new Date(info.end.getTime() - 1)),
  });
  const values = filterValues();
  if (values.psychologist_id) query.set("psychologist_id", values.psychologist_id);
  return { query, branch: values.branch_id };
}

async function sessions(info) {
  const { query, branch } = rangeQuery(info);
  if (branch) query.set("branch_id", branch);
  const answer = await request("GET", `/api/v1/dashboard/board?${query}`);
  appointments.clear();
  const events = [];
  for (const status of STATUSES) {
    if (status === "cancelled") continue;
    for (const appointment of answer.columns[status]) {
      appointments.set(appointment.id, appointment);
      rememberPsychologist(appointment.psychologist);
      const client = appointment.client;
      const movable = ACTIVE.includes(status);
      events.push({
        id: String(appointment.id),
        title: `${client.name || client.phone || t("no_name")} · ${appointment.psychologist.name}`,
        start: appointment.starts_at,
        end: new Date(Date.parse(appointment.starts_at) + appointment.duration_min * 60000),
        startEditable: movable,
        backgroundColor: movable ? colour(appointment.psychologist.id) : "#9aa0a6",
        borderColor: appointment.confirmed ? "#1a7f37" : colour(appointment.psychologist.id),
        classNames: ["session", `status-${status}`],
        extendedProps: { appointmentId: appointment.id },
      });
    }
  }
  return events;
}

async function free(info) {
  const { query } = rangeQuery(info);
  freeSlots = await request("GET", `/api/v1/slots/available?${query}`);
  return freeSlots.map((slot) => ({
    id: `slot-${slot.id}`,
    start: slot.starts_at,
    end: new Date(slotEnd(slot)),
    display: "background",
    classNames: ["free-slot"],
    extendedProps: { slotId: slot.id, psychologistId: slot.psychologist_id },
  }));
}

/* While a session is dragged, only its psychologist's free slots stand out. */
function markTargets(psychologistId) {
  for (const node of section.querySelectorAll(".free-slot")) {
    const own = psychologistId !== null && node.dataset.psychologistId === String(psychologistId);
    node.classList.toggle("drop-target", own);
    node.classList.toggle("dimmed", psychologistId !== null && !own);
  }
}

async function dropped(info) {
  const appointment = appointments.get(info.event.extendedProps.appointmentId);
  const dropAt = info.event.start.getTime();
  const slot = freeSlots.find((candidate) => (
    candidate.psychologist_id === appointment.psychologist.id
    && Date.parse(candidate.starts_at) <= dropAt && dropAt < slotEnd(candidate)
  ));
  if (!slot) {
    info.revert();
    toast(t("move_refused", {
      reason: t("no_free_slot_there", { name: appointment.psychologist.name }),
    }));
    return;
  }
  // Snap to the slot at once; the server has the last word.
  info.event.setDates(slot.starts_at, new Date(slotEnd(slot)));
  info.el.classList.add("saving");
  try {
    const moved = await request("PATCH", `/api/v1/appointments/${appointment.id}/reschedule`, {
      slot_id: slot.id,
    });
    appointments.set(moved.id, moved);
    if (cardAppointment(moved.id)) place(moved);
    calendar.refetchEvents();
    haptic("success");
  } catch (error) {
    info.revert();
    toast(t("move_refused", { reason: error.message }));
    calendar.refetchEvents();
  }
}

function create() {
  calendar = newCalendar(document.getElementById("calendar"), {
    phoneView: "timeGridDay",
    view: "timeGridWeek",
    headerToolbar: { left: "prev,next today", center: "title", right: "timeGridDay,timeGridWeek" },
    nowIndicator: true,
    editable: true,
    eventDurationEditable: false,
    snapDuration: "00:15:00",
    longPressDelay: 250,
    eventSources: [
      { id: "sessions", events: (info, ok, fail) => sessions(info).then(ok, fail) },
      { id: "free", events: (info, ok, fail) => free(info).then(ok, fail) },
    ],
    eventDidMount: (info) => {
      const props = info.event.extendedProps;
      if (props.slotId) {
        info.el.dataset.slotId = props.slotId;
        info.el.dataset.psychologistId = props.psychologistId;
      } else {
        info.el.dataset.appointmentId = props.appointmentId;
      }
    },
    eventClick: (info) => {
      const id = info.event.extendedProps.appointmentId;
      // The columns' copy first: live updates keep it the freshest.
      if (id) openDrawer(cardAppointment(id) || appointments.get(id));
    },
    eventDragStart: (info) => {
      const appointment = appointments.get(info.event.extendedProps.appointmentId);
      markTargets(appointment.psychologist.id);
    },
    eventDragStop: () => markTargets(null),
    eventDrop: dropped,
  });
  calendar.render();
}

export function showCalendar(visible) {
  section.hidden = !visible;
  if (!visible) return;
  if (calendar) calendar.refetchEvents();
  else create();
  calendar.updateSize();
}

/* A change elsewhere (a live update, a column move, the filters): refetch once things
   settle. */
export function calendarChanged() {
  if (!calendar || section.hidden) return;
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(() => calendar.refetchEvents(), 300);
}

onPlaced(calendarChanged);
