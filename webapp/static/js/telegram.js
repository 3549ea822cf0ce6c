/* Telegram's side of a mini app: its script (loaded only when Telegram opened the page), its
   theme and language, back button and haptics. Outside Telegram each of these does nothing. */

const TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js";
// What the page was opened with, read before the session takes its one-time keys off the
// address bar.
export const fragment = new URLSearchParams(location.hash.slice(1));
let telegram = null;

/* Telegram passes tgWebAppData in the fragment; only then is its script worth loading. */
function loadTelegram() {
  if (window.Telegram && window.Telegram.WebApp) return Promise.resolve(window.Telegram.WebApp);
  if (!fragment.has("tgWebAppData")) return Promise.resolve(null);
  return new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = TELEGRAM_SCRIPT;
    script.onload = () => resolve((window.Telegram && window.Telegram.WebApp) || null);
    script.onerror = () => resolve(null);
    document.head.appendChild(script);
  });
}

function applyTheme(webApp) {
  const theme = webApp.themeParams || {};
  const root = document.documentElement.style;
  const pairs = {
    bg_color: "--bg", text_color: "--text", hint_color: "--hint", link_color: "--link",
    button_color: "--accent", button_text_color: "--accent-text",
    secondary_bg_color: "--surface", section_bg_color: "--card",
  };
  for (const [name, variable] of Object.entries(pairs)) {
    if (theme[name]) root.setProperty(variable, theme[name]);
  }
  document.documentElement.dataset.scheme = webApp.colorScheme || "light";
}

export function setLanguage(language) {
  document.cookie = `lang=${language}; path=/app; max-age=31536000; SameSite=Lax`;
}

function followTelegramLanguage(webApp) {
  const user = webApp && webApp.initDataUnsafe && webApp.initDataUnsafe.user;
  if (!user || !user.language_code || document.cookie.includes("lang=")) return false;
  const wanted = user.language_code.toLowerCase().startsWith("en") ? "en" : "ru";
  setLanguage(wanted);
  if (wanted === document.documentElement.lang) return false;
  location.reload();
  return true;
}

/* Telegram's web app made ready, in its theme, or null outside Telegram. When the page has to
   reload in the user's language the answer never comes. */
export async function openTelegram() {
  telegram = await loadTelegram();
  if (telegram) {
    telegram.ready();
    telegram.expand();
    applyTheme(telegram);
    if (followTelegramLanguage(telegram)) return new Promise(() => {});
  }
  return telegram;
}

export const telegramApp = () => telegram;

/* The initData Telegram signed for this opening of the mini app, if any. */
export function initData() {
  return (telegram && telegram.initData) || fragment.get("tgWebAppData");
}

export function haptic(kind) {
  const feedback = telegram && telegram.HapticFeedback;
  if (!feedback) return;
  if (kind === "error" || kind === "success" || kind === "warning") {
    feedback.notificationOccurred(kind);
  } else {
    feedback.impactOccurred(kind || "light");
  }
}

/* Telegram's back button closes an open panel; with none open it is hidden. */
export function backButton(onBack) {
  const button = telegram && telegram.BackButton;
  if (!button) return { show() {}, hide() {} };
  button.onClick(onBack);
  return { show: () => button.show(), hide: () => button.hide() };
}
