/* Dates and times as the pages show them, in the page's language and the reader's zone. */

export const locale = () => (document.documentElement.lang === "en" ? "en-GB" : "ru-RU");

export function formatTime(iso, options) {
  return new Intl.DateTimeFormat(locale(), options || {
    weekday: "short", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit",
  }).format(new Date(iso));
}

/* YYYY-MM-DD of the local day, as the API's date filters take it. */
export function isoDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/* The wall clock of the instant `iso` in the IANA `zone`, written as if it were UTC
   ("YYYY-MM-DDTHH:MM:SSZ"): FullCalendar knows no named zone without a plugin, and in its
   UTC mode it shows these as the zone's clock. The zone's rules (summer time) are the
   browser's tz database's. */
export function wallClockAsUtc(iso, zone) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}T${part("hour")}:${part("minute")}:${part("second")}Z`;
}
