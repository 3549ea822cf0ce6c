/* Telegram's side of a mini app: its script (loaded only when Telegram opened the page), its
   theme, safe areas and language, its main and back buttons, confirmations and haptics.
   Outside Telegram (a browser tab, the sandbox's frame) the page keeps its own buttons and
   the browser's dialogs, and the rest does nothing.

   A page may call every helper here before Telegram's script has arrived: what it asks for is
   kept and done once openTelegram() has the web app. */

const TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js";
// What the page was opened with, read before the session takes its one-time keys off the
// address bar.
export const fragment = new URLSearchParams(location.hash.slice(1));
let telegram = null;
// Whether a Telegram client draws the main and back buttons and dialogs for this page.
let native = false;
let arrived;
const arrival = new Promise((resolve) => { arrived = resolve; });

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

/* Telegram's apps give the page a TelegramWebviewProxy; its web clients frame the page from
   their own origin. A tab of its own, or a frame of this server (the sandbox's chat, which
   draws none of Telegram's buttons), is no Telegram client even with the script loaded. */
function hostedByTelegram() {
  if (window.TelegramWebviewProxy) return true;
  if (window.parent === window) return false;
  try {
    return !window.parent.location.href;
  } catch (error) {
    return true;
  }
}

const supports = (version) => Boolean(
  telegram && telegram.isVersionAtLeast && telegram.isVersionAtLeast(version));

/* --- theme and safe areas: Telegram's CSS variables, which app.css reads with the light
   defaults behind them. Telegram's script sets them too; setting them here keeps the page
   right with any version of it. */

function setVariables(prefix, values, unit = "") {
  const root = document.documentElement.style;
  for (const [name, value] of Object.entries(values || {})) {
    if (value !== null && value !== undefined) {
      root.setProperty(`${prefix}${name.replace(/_/g, "-")}`, `${value}${unit}`);
    }
  }
}

function applyTheme() {
  setVariables("--tg-theme-", telegram.themeParams);
  document.documentElement.dataset.scheme = telegram.colorScheme === "dark" ? "dark" : "light";
}

function applySafeAreas() {
  setVariables("--tg-safe-area-inset-", telegram.safeAreaInset, "px");
  setVariables("--tg-content-safe-area-inset-", telegram.contentSafeAreaInset, "px");
}

/* Outside Telegram the page follows the system's light or dark. */
function followSystemScheme() {
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const apply = () => {
    document.documentElement.dataset.scheme = dark.matches ? "dark" : "light";
  };
  apply();
  dark.addEventListener("change", apply);
}

export function setLanguage(language) {
  document.cookie = `lang=${language}; path=/app; max-age=31536000; SameSite=Lax`;
}

function followTelegramLanguage() {
  const user = telegram.initDataUnsafe && telegram.initDataUnsafe.user;
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
  if (!telegram) {
    followSystemScheme();
    arrived(null);
    return null;
  }
  native = hostedByTelegram();
  telegram.ready();
  telegram.expand();
  applyTheme();
  applySafeAreas();
  if (telegram.onEvent) {
    telegram.onEvent("themeChanged", applyTheme);
    telegram.onEvent("safeAreaChanged", applySafeAreas);
    telegram.onEvent("contentSafeAreaChanged", applySafeAreas);
  }
  if (followTelegramLanguage()) return new Promise(() => {});
  arrived(telegram);
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

/* Telegram's confirmation popup (from Bot API 6.2): a promise of whether the person agreed,
   or null where Telegram shows none (app.js's confirmed() then asks in the page). */
export function telegramConfirm(message) {
  if (!native || !supports("6.2") || !telegram.showConfirm) return null;
  return new Promise((resolve) => telegram.showConfirm(message, (ok) => resolve(Boolean(ok))));
}

/* A drag down inside the page moves what is dragged, not Telegram's sheet (Bot API 7.7). */
export function keepOpenOnSwipes() {
  arrival.then(() => {
    if (native && supports("7.7")) telegram.disableVerticalSwipes();
  });
}

/* --- the back button: shown while something the page opened (a panel, a drawer, a dialog)
   is on screen; it closes the latest one. */

const layers = [];

function showBack() {
  if (!native || !telegram.BackButton) return;
  if (layers.length) telegram.BackButton.show();
  else telegram.BackButton.hide();
}

/* Telegram's back button runs `close` while `element` is shown (not [hidden]; a <dialog>
   while open). The page opens and closes the element as it always did. */
export function backCloses(element, close) {
  const layer = { element, close };
  const follow = () => {
    const open = element.tagName === "DIALOG" ? element.open : !element.hidden;
    const index = layers.indexOf(layer);
    if (open && index < 0) layers.push(layer);
    if (!open && index >= 0) layers.splice(index, 1);
    showBack();
  };
  new MutationObserver(follow).observe(element, {
    attributes: true, attributeFilter: ["hidden", "open"],
  });
  follow();
}

arrival.then(() => {
  if (!native || !telegram.BackButton) return;
  telegram.BackButton.onClick(() => {
    const latest = layers[layers.length - 1];
    if (latest) latest.close();
  });
  showBack();
});

/* --- the main button: the page's main action, mirrored from its own primary <button> */

const primaries = [];
let mirrored = null;
let shownState = "";
let mirrorQueued = false;

/* On screen but for our own hiding of it: itself not hidden, its parent laid out. */
function onScreen(button) {
  const parent = button.parentElement;
  return !button.hidden && Boolean(parent) && parent.getClientRects().length > 0;
}

function mirror() {
  mirrorQueued = false;
  const main = telegram.MainButton;
  // The latest registered wins: a dialog's button over the page's behind it.
  const chosen = [...primaries].reverse().find(onScreen) || null;
  for (const button of primaries) button.toggleAttribute("data-mirrored", button === chosen);
  mirrored = chosen;
  const text = chosen ? chosen.textContent.trim() : "";
  const busy = Boolean(chosen) && chosen.getAttribute("aria-busy") === "true";
  const state = chosen ? [text, chosen.disabled, busy].join("\n") : "";
  // Telegram is told only what changed (the board's cards change all the time).
  if (state === shownState) return;
  shownState = state;
  if (!chosen) {
    main.hide();
    return;
  }
  main.setText(text);
  if (busy) main.showProgress(false);
  else main.hideProgress();
  if (chosen.disabled) main.disable();
  else main.enable();
  main.show();
}

/* Once the page's current changes are done (not a frame later: a quick action's progress
   would go unseen). */
function queueMirror() {
  if (mirrorQueued) return;
  mirrorQueued = true;
  queueMicrotask(mirror);
}

/* Inside Telegram, `button` (the page's primary <button>) is hidden and Telegram's main
   button stands in for it while it would be on screen: same text, disabled with it, a
   progress while it is aria-busy="true", and a tap on it clicks the page's button. Outside
   Telegram the page's button stays as it is. Several may be registered; the latest one on
   screen is the one shown. */
export function mainButton(button) {
  primaries.push(button);
  if (native && telegram.MainButton) queueMirror();
}

arrival.then(() => {
  if (!native || !telegram.MainButton) return;
  telegram.MainButton.onClick(() => {
    if (mirrored && !mirrored.disabled) mirrored.click();
  });
  new MutationObserver(queueMirror).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ["hidden", "open", "disabled", "aria-busy", "class"],
  });
  mirror();
});
