/* FullCalendar as the mini apps show it: in the page's language, weeks from Monday, no
   all-day row (sessions always have a time), as tall as its content, and a source that
   fails says so in a toast. A phone's narrow screen opens on `phoneView`. */

import { toast } from "./app.js";

export function newCalendar(node, { phoneView, view, ...options }) {
  const phone = window.matchMedia("(max-width: 700px)").matches;
  return new FullCalendar.Calendar(node, {
    locale: document.documentElement.lang,
    initialView: phone ? phoneView : view,
    firstDay: 1,
    allDaySlot: false,
    height: "auto",
    eventSourceFailure: (error) => toast(error.message),
    ...options,
  });
}
