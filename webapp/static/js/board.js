/* The managers' board: five status columns with drag and drop (board/kanban.js), a calendar
   where a session dragged onto a free slot of its psychologist is rescheduled
   (board/calendar.js), live updates over the WebSocket (board/live.js), a card drawer with
   the card's history and the client's card (board/drawer.js, board/client_card.js), the
   client search (board/search.js), booking by phone (board/manual.js) and, for admins, the
   staff tab (board/staff.js); the waitlist tab (board/waitlist.js). This module switches the views and starts the board. */

import { managersOnly, toast } from "./app.js";
import { calendarChanged, showCalendar } from "./board/calendar.js";
import { filters, loadChoices, showNextTwoWeeks } from "./board/filters.js";
import { enableDragging, loadBoard, showColumns } from "./board/kanban.js";
import { connectLive } from "./board/live.js";
import { showStaff } from "./board/staff.js";
import { showWaitlist } from "./board/waitlist.js";
import { keepOpenOnSwipes } from "./telegram.js";
// These need nothing from here: importing them sets up the drawer's opening on a card, the
// "Book by phone" dialog and the client search.
import "./board/drawer.js";
import "./board/manual.js";
import "./board/search.js";

const VIEW_KEY = "board.view";

function switchView(view) {
  for (const button of document.querySelectorAll(".view-switch [data-view]")) {
    button.setAttribute("aria-selected", String(button.dataset.view === view));
  }
  showColumns(view === "columns");
  showCalendar(view === "calendar");
  showStaff(view === "staff");
  showWaitlist(view === "waitlist");
  localStorage.setItem(VIEW_KEY, view);
}

document.querySelector(".view-switch").addEventListener("click", (event) => {
  const button = event.target.closest("[data-view]");
  if (button) switchView(button.dataset.view);
});

filters.addEventListener("change", () => {
  loadBoard().catch((error) => toast(error.message));
  calendarChanged();
});

async function start() {
  showNextTwoWeeks();
  if (!(await managersOnly())) return;
  enableDragging();
  try {
    await Promise.all([loadBoard(), loadChoices()]);
  } catch (error) {
    toast(error.message);
  }
  if (localStorage.getItem(VIEW_KEY) === "calendar") switchView("calendar");
  connectLive();
}

// A card dragged down on a phone must not pull Telegram's sheet down with it.
keepOpenOnSwipes();
start();
