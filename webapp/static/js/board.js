/* The managers' board: five status columns, drag and drop between them (SortableJS) through
   PATCH /api/v1/appointments/{id}/status; a calendar (FullCalendar) where a session dragged onto
   a free slot of its psychologist is rescheduled; live updates over the WebSocket, a card drawer
   with the card's history, and booking by phone. */
"use strict";

(() => {
  const { t, el, request, toast } = App;
  const STATUSES = ["new", "confirmed", "completed", "cancelled", "no_show"];
  const MUTE_KEY = "board.muted";
  const board = document.getElementById("board");
  const filters = document.getElementById("filters");
  const drawer = document.getElementById("drawer");
  const cards = new Map();
  const calendarAppointments = new Map();
  const psychologists = new Map();
  let audio = null;

  const column = (status) => board.querySelector(`.cards[data-status="${status}"]`);
  const cardNode = (id) => board.querySelector(`.card[data-appointment-id="${id}"]`);

  function filterValues() {
    const values = {};
    for (const [name, value] of new FormData(filters)) if (value) values[name] = value;
    return values;
  }

  function matchesFilters(appointment) {
    const values = filterValues();
    const day = App.isoDay(new Date(appointment.starts_at));
    if (values.date_from && day < values.date_from) return false;
    if (values.date_to && day > values.date_to) return false;
    if (values.psychologist_id && String(appointment.psychologist.id) !== values.psychologist_id) {
      return false;
    }
    return true;
  }

  function renderCard(appointment) {
    const client = appointment.client;
    return el("article", {
      class: `card${client.unreachable ? " unreachable" : ""}`,
      dataset: { appointmentId: appointment.id, startsAt: appointment.starts_at },
      tabindex: "0",
      "aria-label": `${client.name || client.phone || ""} ${App.formatTime(appointment.starts_at)}`,
    },
      el("time", { datetime: appointment.starts_at }, App.formatTime(appointment.starts_at)),
      el("strong", { class: "client" }, client.name || client.phone || t("no_name")),
      el("span", { class: "psychologist" }, appointment.psychologist.name),
      appointment.service ? el("span", { class: "service" }, appointment.service.name) : null,
      el("span", { class: "badges" },
        appointment.confirmed ? el("span", { class: "badge ok", title: t("confirmed") }, "✓") : null,
        client.unreachable
          ? el("span", { class: "badge warn", title: t("unreachable") }, "⚠ " + t("unreachable"))
          : null,
        appointment.created_by === "manager" || appointment.created_by === "admin"
          ? el("span", { class: "badge", title: t("booked_by_manager") }, "☎")
          : null),
    );
  }

  function countColumns() {
    for (const status of STATUSES) {
      const section = board.querySelector(`.column[data-status="${status}"] .count`);
      section.textContent = column(status).children.length;
    }
  }

  /* Put the card in its column at its place in time; `fresh` makes it fly in. */
  function place(appointment, { fresh = false } = {}) {
    cards.set(appointment.id, appointment);
    rememberPsychologist(appointment.psychologist);
    const old = cardNode(appointment.id);
    const node = renderCard(appointment);
    if (old) old.remove();
    const target = column(appointment.status);
    const later = [...target.children].find((other) => other.dataset.startsAt > appointment.starts_at);
    target.insertBefore(node, later || null);
    if (fresh) {
      node.classList.add("fly-in");
      node.addEventListener("animationend", () => node.classList.remove("fly-in"), { once: true });
    }
    countColumns();
    if (!drawer.hidden && drawer.dataset.appointmentId === String(appointment.id)) openDrawer(appointment.id);
    calendarView.changed();
    return node;
  }

  async function loadBoard() {
    const query = new URLSearchParams(filterValues());
    query.delete("branch_id");
    const branch = filterValues().branch_id;
    if (branch) query.set("branch_id", branch);
    const answer = await request("GET", `/api/v1/dashboard/board?${query}`);
    for (const status of STATUSES) column(status).replaceChildren();
    cards.clear();
    for (const status of STATUSES) for (const appointment of answer.columns[status]) place(appointment);
    countColumns();
    board.dataset.loaded = "true";
  }

  function rememberPsychologist(psychologist) {
    if (psychologists.has(psychologist.id)) return;
    psychologists.set(psychologist.id, psychologist.name);
    for (const select of document.querySelectorAll('select[name="psychologist_id"]')) {
      select.append(el("option", { value: psychologist.id }, psychologist.name));
    }
  }

  async function loadChoices() {
    const [branches, slots] = await Promise.all([
      request("GET", "/api/v1/branches"),
      request("GET", "/api/v1/slots/available"),
    ]);
    const branchSelect = filters.elements.branch_id;
    for (const branch of branches) branchSelect.append(el("option", { value: branch.id }, branch.name));
    for (const slot of slots) rememberPsychologist({ id: slot.psychologist_id, name: slot.psychologist });
  }

  /* Drag and drop: the server decides; a refused move snaps back with its reason. */
  async function moved(event) {
    const node = event.item;
    const id = Number(node.dataset.appointmentId);
    const status = event.to.dataset.status;
    if (event.from === event.to) return;
    node.classList.add("saving");
    try {
      const appointment = await request("PATCH", `/api/v1/appointments/${id}/status`, { status });
      place(appointment);
      App.haptic("success");
    } catch (error) {
      event.from.insertBefore(node, event.from.children[event.oldIndex] || null);
      node.classList.remove("saving");
      node.classList.add("rejected");
      node.addEventListener("animationend", () => node.classList.remove("rejected"), { once: true });
      countColumns();
      toast(t("move_refused", { reason: error.message }));
    }
  }

  function enableDragging() {
    for (const status of STATUSES) {
      Sortable.create(column(status), {
        group: "board",
        sort: false,
        animation: 150,
        delay: 150,
        delayOnTouchOnly: true,
        ghostClass: "ghost",
        // One pointer-driven drag for mouse and touch alike (native HTML5 drag has no touch).
        forceFallback: true,
        fallbackTolerance: 4,
        onEnd: moved,
      });
    }
  }

  /* --- the drawer */
  const back = App.backButton(() => closeDrawer());

  function detail(label, value) {
    if (value === null || value === undefined || value === "") return null;
    return [el("dt", {}, label), el("dd", {}, value)];
  }

  function openDrawer(id) {
    const appointment = cards.get(id) || calendarAppointments.get(id);
    if (!appointment) return;
    const client = appointment.client;
    drawer.dataset.appointmentId = id;
    drawer.querySelector("#drawer-title").textContent = client.name || client.phone || t("no_name");
    const phone = client.phone ? el("a", { href: `tel:${client.phone}` }, client.phone) : null;
    const link = App.externalLink(appointment.meeting_link);
    const actions = appointment.allowed_statuses.map((status) => el("button", {
      type: "button", class: "status-button", dataset: { status },
      onclick: () => changeStatus(id, status),
    }, t(`status_${status}`)));
    // el() drops the null parts (replaceChildren would print them as "null").
    drawer.querySelector(".drawer-body").replaceChildren(el("div", {},
      client.unreachable ? el("p", { class: "warning" }, t("unreachable_hint")) : null,
      el("dl", {},
        detail(t("when"), App.formatTime(appointment.starts_at, {
          dateStyle: "full", timeStyle: "short",
        })),
        detail(t("status"), t(`status_${appointment.status}`)),
        detail(t("confirmed"), appointment.confirmed ? t("yes") : t("no")),
        detail(t("psychologist"), appointment.psychologist.name),
        detail(t("service"), appointment.service && appointment.service.name),
        detail(t("price"), appointment.price),
        detail(t("phone"), phone),
        detail("Telegram", client.telegram_id),
        detail(t("meeting_link"), link),
        detail(t("created_by"), t(`actor_${appointment.created_by}`)),
        detail(t("created_at"), App.formatTime(appointment.created_at)),
        detail(t("updated_at"), App.formatTime(appointment.updated_at)),
      ),
      actions.length ? el("h3", {}, t("move_to")) : null,
      el("div", { class: "status-actions" }, actions),
      el("h3", {}, t("history")),
      el("ol", { class: "history", "aria-busy": "true" }),
    ));
    drawer.hidden = false;
    back.show();
    loadHistory(id).catch((error) => toast(error.message));
  }

  function historyText(entry) {
    const details = entry.details;
    const status = (value) => t(`status_${value}`);
    const moment = (iso) => (iso ? App.formatTime(iso) : "?");
    switch (entry.action) {
      case "appointment.created": return t("history_created");
      case "appointment.confirmed": return t("history_confirmed");
      case "appointment.status":
        return t("history_status", { previous: status(details.previous), status: status(details.status) });
      case "appointment.rescheduled":
        return t("history_rescheduled", {
          from: moment(details.from_starts_at), to: moment(details.to_starts_at),
        });
      case "appointment.cancelled":
        return t(details.auto ? "history_cancelled_auto" : "history_cancelled");
      case "appointment.meeting_link": return t("history_meeting_link");
      case "appointment.events_planned": return t("history_events_planned");
      default: return entry.action;
    }
  }

  async function loadHistory(id) {
    const entries = await request("GET", `/api/v1/appointments/${id}/history`);
    const list = drawer.querySelector(".history");
    if (!list || drawer.dataset.appointmentId !== String(id)) return;
    const who = (entry) => [t(`actor_${entry.actor}`), entry.actor_name].filter(Boolean).join(" · ");
    list.replaceChildren(...entries.map((entry) => el("li", { dataset: { action: entry.action } },
      el("time", { datetime: entry.at }, App.formatTime(entry.at)),
      el("span", { class: "what" }, historyText(entry)),
      entry.details.reason ? el("span", { class: "reason" }, t("history_reason", {
        reason: entry.details.reason,
      })) : null,
      el("span", { class: "who" }, who(entry)),
    )));
    if (!entries.length) list.replaceChildren(el("li", {}, t("history_empty")));
    list.removeAttribute("aria-busy");
  }

  /* --- the calendar: sessions by time, free slots behind them as drop targets */
  const calendarView = (() => {
    const ACTIVE = ["new", "confirmed"];
    const PALETTE = ["#2481cc", "#8e44ad", "#16a085", "#d35400", "#c0392b", "#2c3e50", "#7f8c8d"];
    const section = document.getElementById("calendar-view");
    let calendar = null;
    let freeSlots = [];
    let refetchTimer = null;

    const colour = (psychologistId) => PALETTE[psychologistId % PALETTE.length];
    const slotEnd = (slot) => Date.parse(slot.starts_at) + slot.duration_min * 60000;

    /* The calendar's visible days as the API's date range (the board's own filters decide
       the branch and the psychologist; its date filters belong to the columns). */
    function rangeQuery(info) {
      const query = new URLSearchParams({
        date_from: App.isoDay(info.start),
        date_to: App.isoDay(new Date(info.end.getTime() - 1)),
      });
      const values = filterValues();
      if (values.psychologist_id) query.set("psychologist_id", values.psychologist_id);
      return { query, branch: values.branch_id };
    }

    async function sessions(info) {
      const { query, branch } = rangeQuery(info);
      if (branch) query.set("branch_id", branch);
      const answer = await request("GET", `/api/v1/dashboard/board?${query}`);
      calendarAppointments.clear();
      const events = [];
      for (const status of STATUSES) {
        if (status === "cancelled") continue;
        for (const appointment of answer.columns[status]) {
          calendarAppointments.set(appointment.id, appointment);
          rememberPsychologist(appointment.psychologist);
          const client = appointment.client;
          const movable = ACTIVE.includes(status);
          events.push({
            id: String(appointment.id),
            title: `${client.name || client.phone || t("no_name")} · ${appointment.psychologist.name}`,
            start: appointment.starts_at,
            end: new Date(Date.parse(appointment.starts_at) + appointment.duration_min * 60000),
            startEditable: movable,
            backgroundColor: movable ? colour(appointment.psychologist.id) : "#9aa0a6",
            borderColor: appointment.confirmed ? "#1a7f37" : colour(appointment.psychologist.id),
            classNames: ["session", `status-${status}`],
            extendedProps: { appointmentId: appointment.id },
          });
        }
      }
      return events;
    }

    async function free(info) {
      const { query } = rangeQuery(info);
      freeSlots = await request("GET", `/api/v1/slots/available?${query}`);
      return freeSlots.map((slot) => ({
        id: `slot-${slot.id}`,
        start: slot.starts_at,
        end: new Date(slotEnd(slot)),
        display: "background",
        classNames: ["free-slot"],
        extendedProps: { slotId: slot.id, psychologistId: slot.psychologist_id },
      }));
    }

    /* While a session is dragged, only its psychologist's free slots stand out. */
    function markTargets(psychologistId) {
      for (const node of section.querySelectorAll(".free-slot")) {
        const own = psychologistId !== null && node.dataset.psychologistId === String(psychologistId);
        node.classList.toggle("drop-target", own);
        node.classList.toggle("dimmed", psychologistId !== null && !own);
      }
    }

    async function dropped(info) {
      const appointment = calendarAppointments.get(info.event.extendedProps.appointmentId);
      const dropAt = info.event.start.getTime();
      const slot = freeSlots.find((candidate) => (
        candidate.psychologist_id === appointment.psychologist.id
        && Date.parse(candidate.starts_at) <= dropAt && dropAt < slotEnd(candidate)
      ));
      if (!slot) {
        info.revert();
        toast(t("move_refused", {
          reason: t("no_free_slot_there", { name: appointment.psychologist.name }),
        }));
        return;
      }
      // Snap to the slot at once; the server has the last word.
      info.event.setDates(slot.starts_at, new Date(slotEnd(slot)));
      info.el.classList.add("saving");
      try {
        const moved = await request("PATCH", `/api/v1/appointments/${appointment.id}/reschedule`, {
          slot_id: slot.id,
        });
        calendarAppointments.set(moved.id, moved);
        if (cards.has(moved.id)) place(moved);
        calendar.refetchEvents();
        App.haptic("success");
      } catch (error) {
        info.revert();
        toast(t("move_refused", { reason: error.message }));
        calendar.refetchEvents();
      }
    }

    function create() {
      const phone = window.matchMedia("(max-width: 700px)").matches;
      calendar = new FullCalendar.Calendar(document.getElementById("calendar"), {
        locale: document.documentElement.lang,
        initialView: phone ? "timeGridDay" : "timeGridWeek",
        headerToolbar: { left: "prev,next today", center: "title", right: "timeGridDay,timeGridWeek" },
        firstDay: 1,
        allDaySlot: false,
        nowIndicator: true,
        height: "auto",
        editable: true,
        eventDurationEditable: false,
        snapDuration: "00:15:00",
        longPressDelay: 250,
        eventSources: [
          { id: "sessions", events: (info, ok, fail) => sessions(info).then(ok, fail) },
          { id: "free", events: (info, ok, fail) => free(info).then(ok, fail) },
        ],
        eventSourceFailure: (error) => toast(error.message),
        eventDidMount: (info) => {
          const props = info.event.extendedProps;
          if (props.slotId) {
            info.el.dataset.slotId = props.slotId;
            info.el.dataset.psychologistId = props.psychologistId;
          } else {
            info.el.dataset.appointmentId = props.appointmentId;
          }
        },
        eventClick: (info) => {
          if (info.event.extendedProps.appointmentId) openDrawer(info.event.extendedProps.appointmentId);
        },
        eventDragStart: (info) => {
          const appointment = calendarAppointments.get(info.event.extendedProps.appointmentId);
          markTargets(appointment.psychologist.id);
        },
        eventDragStop: () => markTargets(null),
        eventDrop: dropped,
      });
      calendar.render();
    }

    function show(visible) {
      section.hidden = !visible;
      if (!visible) return;
      if (calendar) calendar.refetchEvents();
      else create();
      calendar.updateSize();
    }

    /* A change elsewhere (a live update, a column move): refetch once things settle. */
    function changed() {
      if (!calendar || section.hidden) return;
      clearTimeout(refetchTimer);
      refetchTimer = setTimeout(() => calendar.refetchEvents(), 300);
    }

    return { show, changed };
  })();

  const VIEW_KEY = "board.view";
  function switchView(view) {
    for (const button of document.querySelectorAll(".view-switch [data-view]")) {
      button.setAttribute("aria-selected", String(button.dataset.view === view));
    }
    board.hidden = view !== "columns";
    calendarView.show(view === "calendar");
    localStorage.setItem(VIEW_KEY, view);
  }
  document.querySelector(".view-switch").addEventListener("click", (event) => {
    const button = event.target.closest("[data-view]");
    if (button) switchView(button.dataset.view);
  });

  function closeDrawer() {
    drawer.hidden = true;
    back.hide();
  }

  async function changeStatus(id, status) {
    try {
      place(await request("PATCH", `/api/v1/appointments/${id}/status`, { status }));
      App.haptic("success");
    } catch (error) {
      toast(t("move_refused", { reason: error.message }));
    }
  }

  board.addEventListener("click", (event) => {
    const node = event.target.closest(".card");
    if (node) openDrawer(Number(node.dataset.appointmentId));
  });
  board.addEventListener("keydown", (event) => {
    const node = event.target.closest(".card");
    if (node && event.key === "Enter") openDrawer(Number(node.dataset.appointmentId));
  });
  drawer.querySelector(".close").addEventListener("click", closeDrawer);

  /* --- live updates and their sound */
  function muted() {
    return localStorage.getItem(MUTE_KEY) === "1";
  }

  function showMute() {
    const button = document.getElementById("mute");
    button.setAttribute("aria-pressed", String(muted()));
  }

  document.getElementById("mute").addEventListener("click", () => {
    localStorage.setItem(MUTE_KEY, muted() ? "0" : "1");
    showMute();
  });

  // Browsers let a page make sound only after a gesture; the first tap unlocks it.
  document.addEventListener("pointerdown", () => {
    if (!audio && window.AudioContext) audio = new AudioContext();
  }, { once: true });

  function chime() {
    if (muted() || !audio || audio.state !== "running") return;
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.setValueAtTime(880, audio.currentTime);
    tone.frequency.setValueAtTime(1320, audio.currentTime + 0.12);
    volume.gain.setValueAtTime(0.15, audio.currentTime);
    volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  }

  // The server's close codes (webapp/api/live.py).
  const CLOSE_ACCESS_REVOKED = 4403;
  const CLOSE_TOKEN_EXPIRED = 4401;
  let retryDelay = 1000;
  function connectLive() {
    const indicator = document.getElementById("live");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(
      `${scheme}//${location.host}/api/v1/dashboard/updates?token=${encodeURIComponent(App.token())}`,
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
      const appointment = message.appointment;
      if (!appointment) return;
      if (filterValues().branch_id) {
        loadBoard().catch((error) => toast(error.message));
      } else if (matchesFilters(appointment)) {
        const isNew = message.type === "appointment.created" && !cards.has(appointment.id);
        place(appointment, { fresh: isNew });
        if (isNew) chime();
      } else if (cardNode(appointment.id)) {
        cardNode(appointment.id).remove();
        countColumns();
      }
    });
    socket.addEventListener("close", async (event) => {
      indicator.dataset.state = "offline";
      if (event.code === CLOSE_ACCESS_REVOKED) {
        indicator.title = t("access_revoked");
        App.signInNeeded(t("access_revoked"));
        return;
      }
      // The token ran out: inside Telegram fresh initData signs in again.
      if (event.code === CLOSE_TOKEN_EXPIRED) await App.session().catch(() => null);
      indicator.title = t("reconnecting");
      setTimeout(async () => {
        // Changes made while the socket was down: reload, then listen again.
        if (wasReady) await loadBoard().catch(() => {});
        connectLive();
      }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  /* --- booking by phone */
  const dialog = document.getElementById("manual");
  const manualForm = document.getElementById("manual-form");

  async function fillSlots() {
    const psychologist = manualForm.elements.psychologist_id.value;
    const query = psychologist ? `?psychologist_id=${psychologist}` : "";
    const slots = await request("GET", `/api/v1/slots/available${query}`);
    manualForm.elements.slot_id.replaceChildren(...slots.map((slot) => el("option", { value: slot.id },
      `${App.formatTime(slot.starts_at)} — ${slot.psychologist}`)));
  }

  document.getElementById("new-booking").addEventListener("click", async () => {
    manualForm.reset();
    manualForm.querySelector(".form-error").textContent = "";
    const services = await request("GET", "/api/v1/services").catch(() => []);
    manualForm.elements.service_id.replaceChildren(el("option", { value: "" }, "—"),
      ...services.map((service) => el("option", { value: service.id }, service.name)));
    await fillSlots().catch((error) => toast(error.message));
    dialog.showModal();
  });
  manualForm.elements.psychologist_id.addEventListener("change", () => fillSlots().catch(
    (error) => toast(error.message)));
  manualForm.querySelector(".cancel").addEventListener("click", () => dialog.close());
  manualForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = manualForm.elements;
    const body = {
      phone: fields.phone.value, name: fields.name.value, slot_id: Number(fields.slot_id.value),
    };
    if (fields.service_id.value) body.service_id = Number(fields.service_id.value);
    try {
      const appointment = await request("POST", "/api/v1/appointments/manual", body);
      place(appointment, { fresh: true });
      dialog.close();
      toast(t("booked"), "success");
    } catch (error) {
      manualForm.querySelector(".form-error").textContent = error.message;
      App.haptic("error");
    }
  });

  /* --- start */
  filters.addEventListener("change", () => {
    loadBoard().catch((error) => toast(error.message));
    calendarView.changed();
  });

  (async () => {
    const today = new Date();
    const until = new Date(today.getTime() + 14 * 86400000);
    filters.elements.date_from.value = App.isoDay(today);
    filters.elements.date_to.value = App.isoDay(until);
    showMute();
    const session = await App.sessionFor(
      (s) => s.token && ["manager", "admin"].includes(s.role), t("managers_only"));
    if (!session) return;
    enableDragging();
    try {
      await Promise.all([loadBoard(), loadChoices()]);
    } catch (error) {
      toast(error.message);
    }
    if (localStorage.getItem(VIEW_KEY) === "calendar") switchView("calendar");
    connectLive();
  })();
})();
