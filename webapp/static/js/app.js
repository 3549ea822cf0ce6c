/* Shared by every mini-app page: the session (Telegram initData, or #token=<JWT>, or the
   editor's #secret=...), calls to /api/v1, the language, Telegram's theme, back button and
   haptics, and the toast that shows what went wrong. */
"use strict";

const App = (() => {
  const TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js";
  const TOKEN_KEY = "panel.token";
  const ROLE_KEY = "panel.role";
  const SECRET_KEY = "editor.secret";
  const texts = JSON.parse(document.getElementById("texts").textContent);
  const fragment = new URLSearchParams(location.hash.slice(1));
  let telegram = null;

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.reason) || `HTTP ${status}`);
      this.status = status;
      this.body = body || {};
    }
  }

  function t(key, values) {
    let text = texts[key] || key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  }

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

  function followTelegramLanguage(webApp) {
    const user = webApp && webApp.initDataUnsafe && webApp.initDataUnsafe.user;
    if (!user || !user.language_code || document.cookie.includes("lang=")) return false;
    const wanted = user.language_code.toLowerCase().startsWith("en") ? "en" : "ru";
    setLanguage(wanted);
    if (wanted === document.documentElement.lang) return false;
    location.reload();
    return true;
  }

  function setLanguage(language) {
    document.cookie = `lang=${language}; path=/app; max-age=31536000; SameSite=Lax`;
  }

  async function request(method, path, body, options = {}) {
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
  async function session() {
    const webApp = await loadTelegram();
    telegram = webApp;
    if (webApp) {
      webApp.ready();
      webApp.expand();
      applyTheme(webApp);
      if (followTelegramLanguage(webApp)) return new Promise(() => {});
    }
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

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  /* The initData Telegram signed for this opening of the mini app, if any. */
  function initData() {
    return (telegram && telegram.initData) || fragment.get("tgWebAppData");
  }

  let toastTimer = null;
  function toast(message, kind = "error") {
    const box = document.getElementById("toast");
    box.textContent = message;
    box.className = `toast show ${kind}`;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.className = "toast"; }, 6000);
    haptic(kind === "error" ? "error" : "success");
  }

  function haptic(kind) {
    const feedback = telegram && telegram.HapticFeedback;
    if (!feedback) return;
    if (kind === "error" || kind === "success" || kind === "warning") {
      feedback.notificationOccurred(kind);
    } else {
      feedback.impactOccurred(kind || "light");
    }
  }

  /* Telegram's back button closes an open panel; with none open it is hidden. */
  function backButton(onBack) {
    const button = telegram && telegram.BackButton;
    if (!button) return { show() {}, hide() {} };
    button.onClick(onBack);
    return { show: () => button.show(), hide: () => button.hide() };
  }

  function signInNeeded(message) {
    const box = document.getElementById("signin");
    if (box) {
      box.hidden = false;
      box.querySelector("p").textContent = message || t("sign_in_needed");
    }
  }

  /* The page's session if `allowed(session)` holds; otherwise the sign-in box says why and
     the answer is null. */
  async function sessionFor(allowed, deniedMessage) {
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

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /* A link to an outside page (a meeting link) that opens in a new tab, only for an http(s)
     URL: anything else (javascript:, data:, a relative path...) is shown as plain text, never
     followed. Empty when there is no URL. */
  function externalLink(raw) {
    if (!raw) return null;
    let url = null;
    try {
      url = new URL(String(raw));
    } catch (error) {
      url = null;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      return el("span", { class: "unsafe-link" }, String(raw));
    }
    return el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer" }, String(raw));
  }

  const locale = () => (document.documentElement.lang === "en" ? "en-GB" : "ru-RU");
  function formatTime(iso, options) {
    return new Intl.DateTimeFormat(locale(), options || {
      weekday: "short", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit",
    }).format(new Date(iso));
  }

  function isoDay(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-lang]");
    if (link) setLanguage(link.dataset.lang);
  });

  return {
    ApiError, t, request, session, sessionFor, token, toast, haptic, backButton, signInNeeded, el,
    externalLink, formatTime, isoDay, locale, initData, telegramApp: () => telegram,
  };
})();
