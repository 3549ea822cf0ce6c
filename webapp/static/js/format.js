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
