// The /sandbox chat page: act as a test user, watch the bot's messages live over a WebSocket.
"use strict";

(() => {
  const DATA = JSON.parse(document.getElementById("sandbox-data").textContent);
  const API = DATA.config.api;
  const byId = (id) => document.getElementById(id);
  const list = byId("messages");
  const state = {
    lang: localStorage.getItem("sandbox.lang") === "en" ? "en" : "ru",
    userId: null,
    nextUserId: DATA.config.next_user_id,
    ws: null,
    retries: 0,
    placeholder: "",
    webApp: null,
    toastTimer: null,
  };

  const t = (key) => DATA.texts[state.lang][key] || key;

  function applyTexts() {
    document.documentElement.lang = state.lang;
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
    byId("ui-language").textContent = state.lang === "ru" ? "EN" : "RU";
    byId("message-input").placeholder = state.placeholder || t("placeholder");
    const menu = byId("menu-button");
    if (menu.dataset.kind === "commands") menu.textContent = t("menu");
    setConnection(byId("connection").dataset.state);
  }

  function el(tag, attrs = {}, text = null) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    }
    if (text !== null) node.textContent = text;
    return node;
  }

  function safeHref(raw) {
    try {
      const url = new URL(raw, location.href);
      return ["http:", "https:"].includes(url.protocol) ? url.href : null;
    } catch {
      return null;
    }
  }

  function showToast(text, alert = false) {
    const toast = byId("toast");
    toast.textContent = text;
    toast.dataset.alert = String(alert);
    toast.hidden = false;
    clearTimeout(state.toastTimer);
    if (!alert) state.toastTimer = setTimeout(() => { toast.hidden = true; }, 3000);
  }
  byId("toast").addEventListener("click", () => { byId("toast").hidden = true; });

  async function api(method, path, body) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(API + path, init);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const reason = answer.reason || response.statusText;
      showToast(reason, true);
      throw new Error(reason);
    }
    return answer;
  }

  // ---------------------------------------------------------------------------------------
  // Personas: ready-made users in one click, each with a hint of what to try

  function renderPersonas() {
    const bar = byId("personas");
    const personas = DATA.config.personas || [];
    bar.hidden = !personas.length;
    for (const persona of personas) {
      const button = el("button", {
        type: "button", class: "persona", "data-testid": "persona", "data-persona": persona.role,
        "data-user-id": persona.user_id,
      });
      const title = el("span", { class: "persona-title" });
      title.append(el("b", { "data-text": `persona_${persona.role}` }), ` · ${persona.first_name}`);
      button.append(title, el("small", { "data-text": `hint_${persona.role}` }));
      button.addEventListener("click", async () => {
        const user = await api("POST", `/personas/${persona.role}`, {});
        byId("user-form").hidden = true;
        await loadUsers(user.id);
      });
      bar.append(button);
    }
  }

  function markPersona() {
    for (const button of byId("personas").querySelectorAll("[data-persona]")) {
      button.setAttribute("aria-pressed", String(button.dataset.userId === String(state.userId)));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Users

  async function loadUsers(selectId) {
    const answer = await api("GET", "/users");
    state.nextUserId = answer.next_user_id;
    const picker = byId("user-picker");
    picker.replaceChildren(el("option", { value: "" }, "—"));
    for (const user of answer.users) {
      const label = `${user.first_name} · ${user.id} · ${user.language_code || ""}`;
      picker.append(el("option", { value: user.id }, label));
    }
    const personas = DATA.config.personas || [];
    // With personas on offer a newcomer starts by choosing one, not in the first user's chat.
    const wanted = answer.users.find((u) => String(u.id) === String(selectId))
      || (personas.length ? null : answer.users[0]);
    if (wanted) {
      picker.value = String(wanted.id);
      openChat(wanted.id);
    } else if (!personas.length) {
      showUserForm();
    }
  }

  function showUserForm() {
    const form = byId("user-form");
    form.hidden = false;
    form.elements.id.value = state.nextUserId;
    form.elements.first_name.focus();
  }

  byId("new-user").addEventListener("click", showUserForm);
  byId("user-form-cancel").addEventListener("click", () => { byId("user-form").hidden = true; });
  byId("user-picker").addEventListener("change", (event) => {
    if (event.target.value) openChat(Number(event.target.value));
  });

  byId("user-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = {
      id: Number(form.elements.id.value),
      first_name: form.elements.first_name.value,
      language_code: form.elements.language_code.value,
    };
    if (form.elements.phone.value.trim()) body.phone = form.elements.phone.value.trim();
    const user = await api("POST", "/users", body);
    form.hidden = true;
    form.reset();
    await loadUsers(user.id);
  });

  byId("ui-language").addEventListener("click", () => {
    state.lang = state.lang === "ru" ? "en" : "ru";
    localStorage.setItem("sandbox.lang", state.lang);
    applyTexts();
  });

  // ---------------------------------------------------------------------------------------
  // The live chat

  function setConnection(value) {
    const node = byId("connection");
    node.dataset.state = value || "closed";
    node.textContent = node.dataset.state === "open" || !state.userId ? "" : t("offline");
  }

  function openChat(userId) {
    const url = new URL(location.href);
    url.searchParams.set("user", userId);
    history.replaceState(null, "", url);
    state.userId = userId;
    markPersona();
    byId("chat").dataset.state = "loading";
    list.replaceChildren();
    closeWebApp();
    if (state.ws) state.ws.close();
    state.retries = 0;
    connect();
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}${API}/chats/${state.userId}/updates`);
    state.ws = ws;
    ws.addEventListener("message", (event) => {
      if (ws === state.ws) handle(JSON.parse(event.data));
    });
    ws.addEventListener("close", () => {
      if (ws !== state.ws) return;
      setConnection("closed");
      const delay = Math.min(5000, 250 * 2 ** state.retries++);
      setTimeout(() => { if (ws === state.ws) connect(); }, delay);
    });
  }

  function handle(event) {
    switch (event.type) {
      case "snapshot":
        byId("bot-name").textContent = `${event.bot.first_name} @${event.bot.username}`;
        list.replaceChildren();
        for (const message of event.messages) upsert(message);
        state.retries = 0;
        setConnection("open");
        byId("chat").dataset.state = "ready";
        break;
      case "message":
      case "edited":
        upsert(event.message);
        break;
      case "deleted":
        list.querySelector(`[data-message-id="${event.message_id}"]`)?.remove();
        break;
      case "callback_answer":
        if (event.text) showToast(event.text, event.show_alert);
        if (event.url && safeHref(event.url)) window.open(safeHref(event.url), "_blank", "noopener");
        break;
      default:
        return;
    }
    renderKeyboard(event.reply_keyboard);
    renderMenu(event.menu_button, event.commands);
  }

  // ---------------------------------------------------------------------------------------
  // Messages

  const ENTITY_TAGS = {
    bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre",
    blockquote: "blockquote", expandable_blockquote: "blockquote",
  };

  function wrapEntity(node, entity, text) {
    let wrapper;
    if (entity.type in ENTITY_TAGS) {
      wrapper = el(ENTITY_TAGS[entity.type]);
    } else if (entity.type === "spoiler") {
      wrapper = el("span", { class: "spoiler" });
    } else if (entity.type === "text_link" || entity.type === "url") {
      const raw = entity.type === "url"
        ? text.slice(entity.offset, entity.offset + entity.length) : entity.url;
      const href = safeHref(/^[a-z]+:/i.test(raw) ? raw : `https://${raw}`);
      if (!href) return node;
      wrapper = el("a", { href, target: "_blank", rel: "noopener" });
    } else {
      return node;
    }
    wrapper.append(node);
    return wrapper;
  }

  // Telegram's offsets count UTF-16 code units, as JavaScript strings do.
  function renderText(container, text, entities) {
    if (!entities || !entities.length) {
      container.textContent = text;
      return;
    }
    const cuts = new Set([0, text.length]);
    for (const e of entities) cuts.add(e.offset).add(e.offset + e.length);
    const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
    for (let i = 0; i < points.length - 1; i++) {
      const [start, end] = [points[i], points[i + 1]];
      let node = document.createTextNode(text.slice(start, end));
      const covering = entities
        .filter((e) => e.offset <= start && e.offset + e.length >= end)
        .sort((a, b) => a.length - b.length);
      for (const entity of covering) node = wrapEntity(node, entity, text);
      container.append(node);
    }
  }

  function kindLabel(message) {
    switch (message.kind) {
      case "contact": return `${t("contact")}: ${message.contact.phone_number}`;
      case "photo": return t("photo");
      case "document": return `${t("document")}: ${message.file_name}`;
      case "web_app_data": return `${t("web_app_data")}: ${message.web_app_data.data}`;
      default: return null;
    }
  }

  function inlineButton(message, button) {
    const attrs = { type: "button", "data-testid": "inline-button", "data-message-id": message.message_id };
    if ("callback_data" in button) {
      const node = el("button", { ...attrs, "data-kind": "callback", "data-callback-data": button.callback_data }, button.text);
      node.addEventListener("click", async () => {
        node.disabled = true;
        try {
          await api("POST", `/chats/${state.userId}/click`, {
            message_id: message.message_id, callback_data: button.callback_data,
          });
        } finally {
          node.disabled = false;
        }
      });
      return node;
    }
    if (button.web_app) {
      const node = el("button", { ...attrs, "data-kind": "web_app" }, button.text);
      node.addEventListener("click", () => openWebApp("inline", button.web_app.url, button.text, message.message_id));
      return node;
    }
    const link = button.url || (button.login_url && button.login_url.url);
    if (link && safeHref(link)) {
      return el("a", { ...attrs, "data-kind": "url", href: safeHref(link), target: "_blank", rel: "noopener" }, button.text);
    }
    if (button.copy_text) {
      const node = el("button", { ...attrs, "data-kind": "copy_text" }, button.text);
      node.addEventListener("click", () => {
        navigator.clipboard?.writeText(button.copy_text.text).catch(() => {});
        showToast(button.copy_text.text);
      });
      return node;
    }
    return el("button", { ...attrs, "data-kind": "unsupported", disabled: "", title: t("unsupported") }, button.text);
  }

  function renderMessage(message) {
    const item = el("li", {
      class: "message",
      "data-testid": "message",
      "data-message-id": message.message_id,
      "data-from": message.from_bot ? "bot" : "user",
      "data-kind": message.kind,
    });
    const bubble = el("div", { class: "bubble" });
    const label = kindLabel(message);
    if (label) bubble.append(el("div", { class: "kind" }, label));
    const body = el("div", { "data-testid": "message-text" });
    renderText(body, message.text || "", message.entities);
    bubble.append(body);
    const time = message.date
      ? new Date(message.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) : "";
    const meta = el("span", { class: "meta" }, message.edited ? `${t("edited")} ${time}` : time);
    if (message.edited) meta.dataset.testid = "edited";
    bubble.append(meta);
    item.append(bubble);
    if (message.inline_keyboard.length) {
      const keyboard = el("div", { class: "inline-keyboard", "data-testid": "inline-keyboard" });
      for (const row of message.inline_keyboard) {
        const line = el("div", { class: "row" });
        for (const button of row) line.append(inlineButton(message, button));
        keyboard.append(line);
      }
      item.append(keyboard);
    }
    return item;
  }

  function upsert(message) {
    const stick = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const item = renderMessage(message);
    const existing = list.querySelector(`[data-message-id="${message.message_id}"]`);
    if (existing) {
      existing.replaceWith(item);
      return;
    }
    const later = [...list.children].find((node) => Number(node.dataset.messageId) > message.message_id);
    list.insertBefore(item, later || null);
    if (stick || !message.from_bot) list.scrollTop = list.scrollHeight;
  }

  // ---------------------------------------------------------------------------------------
  // Keyboards, menu and sending

  function replyButton(raw) {
    const button = typeof raw === "string" ? { text: raw } : raw;
    if (button.request_contact) {
      const node = el("button", { type: "button", "data-testid": "contact-button", "data-kind": "contact" }, button.text);
      node.addEventListener("click", () => api("POST", `/chats/${state.userId}/contact`, {}));
      return node;
    }
    if (button.web_app) {
      const node = el("button", { type: "button", "data-testid": "reply-button", "data-kind": "web_app" }, button.text);
      node.addEventListener("click", () => openWebApp("reply", button.web_app.url, button.text));
      return node;
    }
    const asks = ["request_location", "request_poll", "request_users", "request_chat"];
    if (asks.some((key) => button[key])) {
      return el("button", { type: "button", "data-testid": "reply-button", "data-kind": "unsupported", disabled: "", title: t("unsupported") }, button.text);
    }
    const node = el("button", { type: "button", "data-testid": "reply-button", "data-kind": "text" }, button.text);
    node.addEventListener("click", () => api("POST", `/chats/${state.userId}/press`, { text: button.text }));
    return node;
  }

  function renderKeyboard(keyboard) {
    const box = byId("reply-keyboard");
    box.replaceChildren();
    box.hidden = !keyboard;
    state.placeholder = (keyboard && keyboard.input_field_placeholder) || "";
    byId("message-input").placeholder = state.placeholder || t("placeholder");
    if (!keyboard) return;
    for (const row of keyboard.keyboard || []) {
      const line = el("div", { class: "row" });
      for (const button of row) line.append(replyButton(button));
      box.append(line);
    }
  }

  function renderMenu(menuButton, commands) {
    const menu = byId("menu-button");
    const listBox = byId("commands");
    listBox.replaceChildren();
    for (const command of commands || []) {
      const node = el("button", { type: "button", "data-testid": "command" });
      node.append(el("b", {}, `/${command.command}`), command.description);
      node.addEventListener("click", () => {
        listBox.hidden = true;
        sendText(`/${command.command}`);
      });
      const item = el("li");
      item.append(node);
      listBox.append(item);
    }
    if (menuButton && menuButton.type === "web_app") {
      menu.dataset.kind = "web_app";
      menu.dataset.url = menuButton.web_app.url;
      menu.textContent = menuButton.text;
      menu.hidden = false;
    } else if (commands && commands.length) {
      menu.dataset.kind = "commands";
      menu.textContent = t("menu");
      menu.hidden = false;
    } else {
      menu.hidden = true;
      listBox.hidden = true;
    }
  }

  byId("menu-button").addEventListener("click", () => {
    const menu = byId("menu-button");
    if (menu.dataset.kind === "web_app") openWebApp("menu", menu.dataset.url, menu.textContent);
    else byId("commands").hidden = !byId("commands").hidden;
  });

  async function sendText(text) {
    if (!state.userId || !text.trim()) return false;
    await api("POST", `/chats/${state.userId}/text`, { text });
    return true;
  }

  byId("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = byId("message-input");
    const send = byId("send-button");
    send.disabled = true;
    try {
      if (await sendText(input.value)) input.value = "";
    } finally {
      send.disabled = false;
      input.focus();
    }
  });

  // ---------------------------------------------------------------------------------------
  // Mini apps: opened in a side frame with initData signed for the user by the server

  async function openWebApp(source, url, title, messageId = null) {
    const answer = await api("POST", `/chats/${state.userId}/web-app`, { source, url, message_id: messageId });
    state.webApp = { source, buttonText: title };
    const frame = el("iframe", { id: "webapp-frame", "data-testid": "webapp-frame", title, src: answer.url });
    byId("webapp-frame").replaceWith(frame);
    byId("webapp-title").textContent = title;
    byId("webapp-open-tab").href = answer.url;
    byId("webapp").hidden = false;
  }

  function closeWebApp() {
    state.webApp = null;
    byId("webapp").hidden = true;
    byId("webapp-frame").replaceWith(el("iframe", { id: "webapp-frame", "data-testid": "webapp-frame" }));
  }

  byId("webapp-close").addEventListener("click", closeWebApp);

  // The events telegram-web-app.js posts to the Telegram web client that hosts the frame.
  window.addEventListener("message", async (event) => {
    if (!state.webApp || event.source !== byId("webapp-frame").contentWindow) return;
    let message = event.data;
    if (typeof message === "string") {
      try { message = JSON.parse(message); } catch { return; }
    }
    if (!message || typeof message !== "object") return;
    const data = message.eventData || {};
    if (message.eventType === "web_app_close") {
      closeWebApp();
    } else if (message.eventType === "web_app_data_send" && state.webApp.source === "reply") {
      await api("POST", `/chats/${state.userId}/web-app-data`, {
        data: String(data.data ?? ""), button_text: state.webApp.buttonText,
      });
      closeWebApp();
    } else if (message.eventType === "web_app_open_link" && safeHref(data.url)) {
      window.open(safeHref(data.url), "_blank", "noopener");
    }
  });

  renderPersonas();
  applyTexts();
  loadUsers(new URL(location.href).searchParams.get("user"));
})();
