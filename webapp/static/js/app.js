/* Shared by every mini-app page: the session (Telegram initData, or #token=<JWT>, or the
   editor's #secret=...), calls to /api/v1 with its credentials, the page's texts, and the
   toast that shows what went wrong. */

import { el } from "./dom.js";
import { fragment, haptic, openTelegram, setLanguage, telegramConfirm } from "./telegram.js";

const TOKEN_KEY = "panel.token";
const ROLE_KEY = "panel.role";
const SECRET_KEY = "editor.secret";
const texts = JSON.parse(document.getElementById("texts").textContent);

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.reason) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export function t(key, values) {
  let text = texts[key] || key;
  for (const [name, value] of Object.entries(values || {})) {
    text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

export async function request(method, path, body, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token && !options.anonymous) headers.Authorization = `Bearer ${token}`;
  const secret = sessionStorage.getItem(SECRET_KEY);
  if (secret && options.scheduleSecret) headers["X-Schedule-Secret"] = secret;
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let answer;
  try {
    answer = await fetch(path, { method, headers, body: payload });
  } catch (error) {
    throw new ApiError(0, { reason: t("offline") });
  }
  const data = (answer.headers.get("Content-Type") || "").includes("json")
    ? await answer.json()
    : null;
  if (!answer.ok) throw new ApiError(answer.status, data);
  return data;
}

/* The session: fresh initData wins, then a #token= link (exchanged once for a session), then
   what this tab already has. */
export async function session() {
  const webApp = await openTelegram();
  const initData = (webApp && webApp.initData) || fragment.get("tgWebAppData");
  if (fragment.has("secret")) sessionStorage.setItem(SECRET_KEY, fragment.get("secret"));
  if (fragment.has("token") || fragment.has("secret")) {
    // The fragment is a one-time key: keep it out of history and screenshots.
    history.replaceState(null, "", location.pathname + location.search);
  }
  if (fragment.has("token") && !initData) {
    // A login link's token works once: trade it for a session (a session token comes back
    // as it is). A refused one leaves no session behind.
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ROLE_KEY);
    const answer = await request("POST", "/api/v1/auth/exchange", {
      token: fragment.get("token"),
    }, { anonymous: true });
    sessionStorage.setItem(TOKEN_KEY, answer.token);
    sessionStorage.setItem(ROLE_KEY, answer.role);
  }
  if (initData) {
    const answer = await request("POST", "/api/v1/auth/telegram", { init_data: initData }, {
      anonymous: true,
    });
    sessionStorage.setItem(TOKEN_KEY, answer.token);
    sessionStorage.setItem(ROLE_KEY, answer.role);
  }
  return {
    token: sessionStorage.getItem(TOKEN_KEY),
    role: sessionStorage.getItem(ROLE_KEY) || tokenRole(sessionStorage.getItem(TOKEN_KEY)),
    secret: sessionStorage.getItem(SECRET_KEY),
  };
}

function tokenRole(token) {
  if (!token) return null;
  try {
    const claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return claims.role || null;
  } catch (error) {
    return null;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/* The role the sign-in answered with (none for a session this tab already had). */
export function signedInRole() {
  return sessionStorage.getItem(ROLE_KEY);
}

let toastTimer = null;
export function toast(message, kind = "error") {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = `toast show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.className = "toast"; }, 6000);
  haptic(kind === "error" ? "error" : "success");
}

/* Whether the person agrees to `message`: Telegram's popup inside Telegram, a dialog of the
   page elsewhere (the browser's confirm() would freeze the page, a drag midway included). */
export function confirmed(message) {
  return telegramConfirm(message) || new Promise((resolve) => {
    const answer = (ok) => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    const dialog = el("dialog", { class: "dialog confirm", role: "alertdialog" },
      el("p", {}, message),
      el("div", { class: "actions" },
        el("button", { type: "button", onclick: () => answer(false) }, t("confirm_no")),
        el("button", { type: "button", class: "primary", onclick: () => answer(true) },
          t("confirm_yes"))));
    // Escape says no.
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      answer(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function signInNeeded(message) {
  const box = document.getElementById("signin");
  if (box) {
    box.hidden = false;
    box.querySelector("p").textContent = message || t("sign_in_needed");
  }
}

/* The page's session if `allowed(session)` holds; otherwise the sign-in box says why and
   the answer is null. */
export async function sessionFor(allowed, deniedMessage) {
  let current;
  try {
    current = await session();
  } catch (error) {
    signInNeeded(error.message);
    return null;
  }
  if (!allowed(current)) {
    signInNeeded(deniedMessage);
    return null;
  }
  return current;
}

/* The pages of the board, import and reports are the managers' and admins'. */
export const managersOnly = () => sessionFor(
  (s) => s.token && ["manager", "admin"].includes(s.role), t("managers_only"));

document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-lang]");
  if (link) setLanguage(link.dataset.lang);
});
