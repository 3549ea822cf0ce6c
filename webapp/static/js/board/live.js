/* Live updates: the board listens on the WebSocket /api/v1/dashboard/updates and puts each
   changed appointment where it now belongs; a dropped connection comes back, ever slower. */

import { session, signInNeeded, t, toast, token } from "../app.js";
import { chime } from "./chime.js";
import { filterValues, matchesFilters } from "./filters.js";
import { cardAppointment, loadBoard, place, removeCard } from "./kanban.js";

// The server's close codes (webapp/api/live.py).
const CLOSE_ACCESS_REVOKED = 4403;
const CLOSE_TOKEN_EXPIRED = 4401;
const indicator = document.getElementById("live");
let retryDelay = 1000;

function received(message) {
  const appointment = message.appointment;
  if (!appointment) return;
  // An appointment does not say its branch: with a branch chosen, the server sorts them.
  if (filterValues().branch_id) {
    loadBoard().catch((error) => toast(error.message));
  } else if (matchesFilters(appointment)) {
    const isNew = message.type === "appointment.created" && !cardAppointment(appointment.id);
    place(appointment, { fresh: isNew });
    if (isNew) chime();
  } else {
    removeCard(appointment.id);
  }
}

export function connectLive() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(
    `${scheme}//${location.host}/api/v1/dashboard/updates?token=${encodeURIComponent(token())}`,
  );
  let wasReady = false;
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "ready") {
      wasReady = true;
      retryDelay = 1000;
      indicator.dataset.state = "live";
      indicator.title = t("live");
      return;
    }
    received(message);
  });
  socket.addEventListener("close", async (event) => {
    indicator.dataset.state = "offline";
    if (event.code === CLOSE_ACCESS_REVOKED) {
      indicator.title = t("access_revoked");
      signInNeeded(t("access_revoked"));
      return;
    }
    // The token ran out: inside Telegram fresh initData signs in again.
    if (event.code === CLOSE_TOKEN_EXPIRED) await session().catch(() => null);
    indicator.title = t("reconnecting");
    setTimeout(async () => {
      // Changes made while the socket was down: reload, then listen again.
      if (wasReady) await loadBoard().catch(() => {});
      connectLive();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  });
}
