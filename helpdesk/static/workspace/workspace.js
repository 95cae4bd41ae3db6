// The agent workspace: log in, the live queue, one conversation, its context, replies.
// Every text from the server is written as text (the h() helper and textContent), never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const DRAFTS_KEY = "workspace-drafts";

const state = {
  agent: null, csrf: null, lang: "en", strings: {},
  queue: { queued: [], mine: [], at_capacity: false },
  openId: null, conversation: null, shown: new Set(),
  unread: new Set(), canned: [], socket: null, retry: 0, started: false,
  drafts: loadDrafts(), pinned: true, previewSeq: 0, previewTimer: null, refreshTimer: null, audio: null,
};

// --- texts -----------------------------------------------------------------------------------

function t(key, vars = {}) {
  const template = state.strings[key] || key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

async function loadStrings(lang) {
  try {
    const response = await fetch(`/agent/strings?lang=${encodeURIComponent(lang)}`);
    const body = await response.json();
    state.strings = body.strings;
    state.lang = body.lang;
  } catch (error) {
    console.warn("workspace texts not loaded; showing English", error);
  }
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll("[data-text]")) {
    if (state.strings[el.dataset.text]) el.textContent = t(el.dataset.text);
  }
  for (const el of document.querySelectorAll("[data-placeholder]")) {
    el.placeholder = t(el.dataset.placeholder);
  }
}

function languageName(code) {
  try {
    return new Intl.DisplayNames([state.lang], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString(state.lang, { hour: "2-digit", minute: "2-digit" }) : "";
}

// --- elements --------------------------------------------------------------------------------

// h("p", {className: "x", title: "y"}, "text", child): text children become text nodes.
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") el.className = value;
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function show(el, visible) {
  el.hidden = !visible;
}

// --- the API ---------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message, response, code) {
    super(message);
    this.status = status;
    this.response = response;
    this.code = code; // "taken", "at_capacity": what kind of 409 it is
  }
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, t("workspace_error_offline"));
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, (data && data.error) || response.statusText, response,
      data && data.code);
    if (response.status === 401 && state.started) sessionExpired(); // not for a first visit or a login
    throw error;
  }
  return data;
}

// What went wrong, in the agent's language; the draft in the text box is never touched.
function showError(error, action) {
  let text;
  if (error.status === 0) text = t("workspace_error_offline");
  else if (error.status === 401) return; // sessionExpired() shows the login form
  else if (error.status === 409 && action === "claim") {
    text = error.code === "at_capacity" ? t("workspace_at_capacity", { capacity: state.agent.capacity })
      : t("workspace_error_taken");
  } else if (error.status === 403 && action === "send") text = t("workspace_error_not_yours");
  else if (error.status === 409 && action === "send") text = t("workspace_error_not_yours");
  else if (error.status === 403) text = t("workspace_error_forbidden", { detail: error.message });
  else text = t("workspace_error_generic", { detail: error.message });
  $("error").textContent = text;
  show($("error"), true);
}

function clearError() {
  show($("error"), false);
  $("error").textContent = "";
}

// --- logging in ------------------------------------------------------------------------------

function showLogin(message) {
  show($("workspace"), false);
  show($("login"), true);
  $("login-error").textContent = message || "";
  show($("login-error"), Boolean(message));
  $("login-email").focus();
}

function sessionExpired() {
  if (state.socket) state.socket.onclose = null;
  if (state.socket) state.socket.close();
  state.socket = null;
  state.started = false;
  showLogin(t("workspace_session_expired"));
}

async function logIn(event) {
  event.preventDefault();
  unlockSound();
  const email = $("login-email").value.trim();
  const password = $("login-password").value;
  $("login-submit").disabled = true;
  try {
    const body = await api("POST", "/api/agent/login", { email, password });
    $("login-password").value = "";
    await start(body);
  } catch (error) {
    let text = t("workspace_login_failed");
    if (error.status === 429) {
      const seconds = (error.response && error.response.headers.get("Retry-After")) || "60";
      text = t("workspace_login_throttled", { seconds });
    } else if (error.status !== 401) text = t("workspace_error_generic", { detail: error.message });
    showLogin(text);
  } finally {
    $("login-submit").disabled = false;
  }
}

async function logOut() {
  try {
    await api("POST", "/api/agent/logout");
  } catch (error) {
    console.warn("logout", error);
  }
  state.drafts = {};
  sessionStorage.removeItem(DRAFTS_KEY);
  $("reply").value = "";
  sessionExpired();
  showLogin("");
}

async function start({ agent, csrf_token }) {
  state.agent = agent;
  state.csrf = csrf_token;
  await loadStrings((agent.languages && agent.languages[0]) || "en");
  $("agent-name").textContent = agent.name;
  show($("login"), false);
  show($("workspace"), true);
  state.started = true;
  connect();
  await Promise.all([refreshQueue(false), loadCanned()]);
  const wanted = state.openId || decodeURIComponent(location.hash.slice(1));
  if (wanted) await openConversation(wanted, { focus: false });
  else if (document.activeElement === document.body) focusQueue(0); // unless the agent moved on
}

// --- the queue -------------------------------------------------------------------------------

async function refreshQueue(notify = true) {
  const before = new Set(state.queue.queued.map((item) => item.id));
  try {
    state.queue = await api("GET", "/api/agent/queue");
  } catch (error) {
    if (error.status !== 401) setLive(false);
    return;
  }
  renderQueue();
  if (!notify) return;
  for (const item of state.queue.queued) {
    if (!before.has(item.id)) arrived(item);
  }
}

function scheduleQueueRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => refreshQueue(true), 100);
}

function renderQueue() {
  const { queued, mine, at_capacity: full } = state.queue;
  $("mine").replaceChildren(...mine.map(queueItem));
  $("queued").replaceChildren(...queued.map(queueItem));
  show($("mine-empty"), mine.length === 0);
  show($("queued-empty"), queued.length === 0);
  $("capacity").textContent = t("workspace_capacity", { count: mine.length, capacity: state.agent.capacity });
  $("capacity").classList.toggle("full", full);
  $("capacity-reason").textContent = full ? t("workspace_at_capacity", { capacity: state.agent.capacity }) : "";
  show($("capacity-reason"), full);
  document.title = (queued.length ? `(${queued.length}) ` : "") + t("workspace_title");
  if (state.conversation) renderActions();
}

function minutesWaiting(item) {
  return item.queued_at ? Math.max(0, Math.floor((Date.now() - Date.parse(item.queued_at)) / 60000)) : 0;
}

function badges(item) {
  return [
    item.priority === "high" && h("span", { className: "badge high" }, t("workspace_high_priority")),
    item.waiting_too_long && h("span", { className: "badge late" }, t("workspace_waiting_too_long")),
    item.outside_hours && h("span", { className: "badge hours" }, t("workspace_outside_hours")),
  ];
}

function queueItem(item) {
  const translated = item.preview_translation && item.preview_translation !== item.preview;
  const button = h("button", {
    type: "button", className: "item", "data-id": item.id,
    "aria-current": item.id === state.openId ? "true" : null,
    onclick: () => openConversation(item.id),
  },
  h("span", { className: "item-top" },
    h("span", { className: "lang", title: languageName(item.lang) }, (item.lang || "?").toUpperCase()),
    state.unread.has(item.id) && h("span", { className: "unread", title: t("workspace_new_message") }, "●"),
    h("span", { className: "waited" },
      item.state === "queued" ? t("workspace_waited", { minutes: minutesWaiting(item) }) : time(item.queued_at))),
  h("span", { className: "item-preview", lang: translated ? state.lang : item.lang },
    translated ? item.preview_translation : item.preview || ""),
  translated && h("span", { className: "item-original", lang: item.lang }, item.preview),
  h("span", { className: "item-badges" }, badges(item)));
  return h("li", { className: item.priority === "high" ? "high" : null }, button);
}

function queueButtons() {
  return [...document.querySelectorAll("#queue button.item")];
}

function focusQueue(index) {
  const buttons = queueButtons();
  if (buttons.length) buttons[Math.max(0, Math.min(index, buttons.length - 1))].focus();
}

function moveInQueue(step) {
  const buttons = queueButtons();
  if (!buttons.length) return;
  let at = buttons.indexOf(document.activeElement);
  if (at < 0) at = buttons.findIndex((b) => b.dataset.id === state.openId);
  focusQueue(at < 0 ? 0 : at + step);
}

// --- arrivals: a toast, a sound, the title ---------------------------------------------------

function arrived(item) {
  toast(t("workspace_new_conversation", { preview: item.preview_translation || item.preview || "" }), item.id);
  beep();
}

function toast(text, conversationId) {
  const el = h("button", {
    type: "button", className: "toast", "data-id": conversationId,
    onclick: () => { el.remove(); if (conversationId) openConversation(conversationId); },
  }, text);
  $("toasts").append(el);
  setTimeout(() => el.remove(), 8000);
}

function unlockSound() {
  // Browsers only let a page play sound after the person did something on it.
  if (!state.audio && window.AudioContext) state.audio = new AudioContext();
  if (state.audio && state.audio.state === "suspended") state.audio.resume();
}

function beep() {
  if (!$("sound").checked || !state.audio) return;
  const now = state.audio.currentTime;
  const tone = state.audio.createOscillator();
  const gain = state.audio.createGain();
  tone.frequency.value = 880;
  gain.gain.setValueAtTime(0.001, now);
  gain.gain.exponentialRampToValueAtTime(0.15, now + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.001, now + 0.35);
  tone.connect(gain).connect(state.audio.destination);
  tone.start(now);
  tone.stop(now + 0.4);
}

// --- live events -----------------------------------------------------------------------------

function setLive(up) {
  $("live").textContent = up ? t("workspace_live") : t("workspace_reconnecting");
  $("live").classList.toggle("down", !up);
}

// The server listens for us from its "ready" frame on: what changed before it is fetched now.
function onListening() {
  const missed = state.retry > 0;
  state.retry = 0;
  setLive(true);
  if (missed) {
    refreshQueue(true);
    if (state.openId) openConversation(state.openId, { focus: false });
  }
}

function connect() {
  if (state.socket) {
    state.socket.onclose = null;
    state.socket.close();
  }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/api/agent/ws`);
  state.socket = socket;
  socket.onmessage = (frame) => {
    let event;
    try {
      event = JSON.parse(frame.data);
    } catch {
      return;
    }
    if (event.type === "ready") onListening();
    else if (event.type === "queue") onQueueEvent(event.item);
    else if (event.type === "message") onMessageEvent(event.conversation_id, event.message);
  };
  socket.onclose = () => {
    setLive(false);
    state.retry += 1;
    const delay = Math.min(15000, 500 * 2 ** state.retry);
    setTimeout(async () => {
      if (!state.started || state.socket !== socket) return;
      try {
        await api("GET", "/api/agent/me"); // a 401 here shows the login form
        connect();
      } catch (error) {
        if (error.status !== 401) socket.onclose();
      }
    }, delay);
  };
}

function onQueueEvent(item) {
  scheduleQueueRefresh();
  if (item && item.id === state.openId) openConversation(item.id, { focus: false });
}

function onMessageEvent(conversationId, message) {
  if (conversationId === state.openId) {
    appendMessage(message);
    if (document.hidden && message.from === "shopper") beep();
  } else if (message.from === "shopper" && state.queue.mine.some((item) => item.id === conversationId)) {
    state.unread.add(conversationId);
    toast(t("workspace_new_message"), conversationId);
    beep();
  }
  scheduleQueueRefresh();
}

// --- one conversation ------------------------------------------------------------------------

async function openConversation(id, { focus = true } = {}) {
  if (state.openId && state.openId !== id) saveDraft();
  let conversation;
  try {
    conversation = await api("GET", `/api/agent/conversations/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error.status === 404) history.replaceState(null, "", location.pathname);
    showError(error);
    return;
  }
  const switched = state.openId !== id;
  state.openId = id;
  state.conversation = conversation;
  state.unread.delete(id);
  for (const shown of document.querySelectorAll(".toast")) if (shown.dataset.id === id) shown.remove();
  history.replaceState(null, "", `#${encodeURIComponent(id)}`);
  if (switched) {
    clearError();
    restoreDraft(id);
    show($("notice"), false);
  }
  renderConversation(conversation);
  renderQueue();
  if (focus) ($("claim").hidden || $("claim").disabled ? $("messages") : $("claim")).focus();
}

function isMine(conversation) {
  return conversation.state === "with_agent" && conversation.agent && conversation.agent.id === state.agent.id;
}

function stateText(conversation) {
  if (conversation.state === "with_agent") {
    return t("workspace_state_with_agent", { agent: (conversation.agent && conversation.agent.name) || "?" });
  }
  return t(`workspace_state_${conversation.state}`);
}

function renderConversation(conversation) {
  show($("no-conversation"), false);
  show($("conversation-body"), true);
  const who = conversation.contact_email || t("workspace_from_shopper");
  $("conversation-heading").textContent = `${who} · ${languageName(conversation.lang)}`;
  $("conversation-state").replaceChildren(
    h("span", { className: `state-${conversation.state}` }, stateText(conversation)),
    ...badges(conversation).filter(Boolean));
  state.shown = new Set();
  $("messages").replaceChildren();
  for (const message of conversation.messages || []) appendMessage(message, false);
  scrollToEnd();
  renderActions();
  renderContext(conversation);
  schedulePreview();
}

function renderActions() {
  const conversation = state.conversation;
  const mine = isMine(conversation);
  const claimable = conversation.state === "queued";
  const full = state.queue.at_capacity;
  show($("claim"), claimable);
  $("claim").disabled = claimable && full;
  $("claim-reason").textContent = claimable && full ? t("workspace_at_capacity", { capacity: state.agent.capacity }) : "";
  show($("claim-reason"), claimable && full);
  show($("transfer"), mine || (claimable && state.agent.role === "admin"));
  show($("resolve"), mine);
  show($("composer"), mine);
}

function author(message) {
  if (message.from === "agent") return message.author || t("workspace_from_agent");
  return t(`workspace_from_${message.from}`);
}

function messageBody(message) {
  const translation = message.translation;
  if (message.from === "agent" && !message.internal && translation) {
    // text is what the shopper read; translation holds what the agent wrote.
    return [h("p", { className: "text", lang: translation.lang }, translation.text),
      h("p", { className: "secondary" },
        h("span", { className: "label" }, t("workspace_shopper_read", { lang: languageName(message.lang) })), " ",
        h("span", { lang: message.lang }, message.text))];
  }
  if (translation && translation.text !== message.text) {
    return [h("p", { className: "label" }, t("workspace_original", { lang: languageName(message.lang) })),
      h("p", { className: "text original", lang: message.lang }, message.text),
      h("p", { className: "translation" },
        h("span", { className: "label" }, t("workspace_translation", { lang: languageName(translation.lang) })), " ",
        h("span", { lang: translation.lang }, translation.text))];
  }
  return [h("p", { className: "text", lang: message.lang }, message.text)];
}

function appendMessage(message, scroll = true) {
  if (message.id !== undefined && state.shown.has(message.id)) return;
  state.shown.add(message.id);
  const classes = ["message", `from-${message.from}`, message.internal ? "internal" : ""].join(" ");
  $("messages").append(h("li", { className: classes, "data-id": message.id },
    h("p", { className: "meta" },
      h("span", { className: "author" }, author(message)),
      message.internal && h("span", { className: "badge note" }, t("workspace_internal_note")),
      h("time", { datetime: message.created_at }, time(message.created_at))),
    messageBody(message),
    message.buttons && message.buttons.length > 0 && h("ul", { className: "buttons", lang: message.lang },
      message.buttons.map((button) => h("li", {}, button.title)))));
  if (scroll && state.pinned) scrollToEnd();
}

function scrollToEnd() {
  const log = $("messages");
  log.scrollTop = log.scrollHeight;
  state.pinned = true;
}

function keepPinned() {
  const log = $("messages");
  log.addEventListener("scroll", () => {
    state.pinned = log.scrollTop + log.clientHeight >= log.scrollHeight - 24;
  });
  new ResizeObserver(() => { if (state.pinned) log.scrollTop = log.scrollHeight; }).observe(log);
}

// --- context: summary, verification, order, returns, rating ----------------------------------

function describe(value) {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) return value.map(describe).join(", ");
  const name = value.name || value.title || value.sku || value.number || value.rma || "";
  const rest = Object.entries(value)
    .filter(([key, v]) => v !== null && typeof v !== "object" && !["name", "title"].includes(key) && v !== name)
    .map(([key, v]) => `${key.replace(/_/g, " ")}: ${v}`);
  return [name, ...rest].filter(Boolean).join(" · ");
}

function money(amount, currency) {
  try {
    return new Intl.NumberFormat(state.lang, { style: "currency", currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency || ""}`.trim();
  }
}

function topic(name) {
  return name ? state.strings[`intent_${name}`] || String(name).replace(/_/g, " ") : "";
}

function section(titleKey, ...content) {
  return h("section", { className: "context-section" }, h("h3", {}, t(titleKey)), content);
}

function facts(pairs) {
  const rows = pairs.filter(([, value]) => value !== null && value !== undefined && value !== "");
  return h("dl", { className: "facts" }, rows.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

function list(values, emptyKey, line = describe) {
  if (!values || !values.length) return emptyKey ? h("p", { className: "empty" }, t(emptyKey)) : null;
  return h("ul", { className: "plain" }, values.map((value) => h("li", {}, line(value))));
}

function day(iso) {
  return iso ? new Date(iso).toLocaleDateString(state.lang, { day: "numeric", month: "short" }) : "";
}

// One line per item, shipment and return: the fields an agent looks for, in the order they read.
const lines = {
  item: (currency) => (i) => [`${i.quantity ?? 1} × ${i.name || i.sku}`, i.sku,
    i.unit_price !== undefined ? money(i.unit_price, currency) : ""].filter(Boolean).join(" · "),
  shipment: (s) => [s.carrier, s.tracking_number, [day(s.shipped_on), day(s.delivered_on || s.estimated_delivery)]
    .filter(Boolean).join(" → ")].filter(Boolean).join(" · "),
  return: (currency) => (r) => [r.rma, r.status, r.refund_status,
    r.refund_amount !== undefined && r.refund_amount !== null ? money(r.refund_amount, currency) : ""]
    .filter(Boolean).join(" · "),
};

function renderContext(conversation) {
  const summary = conversation.summary || {};
  const known = ["reason", "intents", "order_number"];
  const extra = Object.entries(summary).filter(([key, v]) => !known.includes(key) && v !== null && v !== "");
  const verification = conversation.verification || {};
  const order = conversation.order;
  const parts = [
    section("workspace_summary", facts([
      [t("workspace_reason"), topic(summary.reason || conversation.reason)],
      [t("workspace_topics"), (summary.intents || []).map(topic).join(", ")],
      [t("workspace_order"), summary.order_number],
      [t("workspace_language"), languageName(conversation.lang)],
      [t("workspace_contact_email"), conversation.contact_email],
      ...extra.map(([key, v]) => [key.replace(/_/g, " "), describe(v)]),
    ])),
    section("workspace_verification",
      verification.verified_orders && verification.verified_orders.length
        ? facts([[t("workspace_verified_orders"), verification.verified_orders.join(", ")]])
        : h("p", { className: "empty" }, t("workspace_not_verified")),
      verification.identity && facts([[t("workspace_identity"), verification.identity]])),
    order && !order.verified ? section("workspace_order",
      h("p", { className: "warning" }, t("workspace_order_named_unverified", { number: order.number })))
    : order ? section("workspace_order",
      facts([[t("workspace_order"), `#${order.number}`], [t("workspace_status"), order.status],
        [t("workspace_total"), order.total !== undefined && order.total !== null ? money(order.total, order.currency) : ""]]),
      h("h4", {}, t("workspace_items")), list(order.items, null, lines.item(order.currency)),
      order.shipments && order.shipments.length
        ? [h("h4", {}, t("workspace_shipments")), list(order.shipments, null, lines.shipment)] : null,
      h("h4", {}, t("workspace_returns")), list(order.returns, "workspace_no_returns", lines.return(order.currency)))
      : section("workspace_order", h("p", { className: "empty" }, t("workspace_no_order"))),
    conversation.rating && section("workspace_rating", facts([
      [t("workspace_rating"), t("workspace_rating_value", { score: conversation.rating.score })],
      ["", conversation.rating.comment]])),
  ];
  $("context-body").replaceChildren(...parts.filter(Boolean));
}

// --- writing: drafts, preview, canned replies, send ------------------------------------------

function loadDrafts() {
  try {
    return JSON.parse(sessionStorage.getItem(DRAFTS_KEY) || "{}");
  } catch {
    return {};
  }
}

function saveDraft() {
  if (!state.openId) return;
  const text = $("reply").value;
  if (text) state.drafts[state.openId] = { text, internal: $("internal").checked };
  else delete state.drafts[state.openId];
  sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(state.drafts));
}

function restoreDraft(id) {
  const draft = state.drafts[id] || { text: "", internal: false };
  $("reply").value = draft.text;
  setInternal(draft.internal);
}

function setInternal(internal) {
  $("internal").checked = internal;
  $("composer").classList.toggle("internal", internal);
  $("reply").placeholder = t(internal ? "workspace_note_placeholder" : "workspace_reply_placeholder");
  $("send").textContent = t(internal ? "workspace_add_note" : "workspace_send");
  schedulePreview();
}

// The shopper sees "Ana is typing…": said at most every 3 seconds, never for internal notes.
let lastTyping = 0;

function tellTyping() {
  const conversation = state.conversation;
  if (!conversation || !isMine(conversation) || $("internal").checked || !$("reply").value.trim()) return;
  if (Date.now() - lastTyping < 3000) return;
  lastTyping = Date.now();
  api("POST", `/api/agent/conversations/${encodeURIComponent(conversation.id)}/typing`).catch(() => {});
}

function schedulePreview() {
  clearTimeout(state.previewTimer);
  state.previewTimer = setTimeout(preview, 350);
}

async function preview() {
  const text = $("reply").value.trim();
  const conversation = state.conversation;
  const seq = ++state.previewSeq;
  if (!text || $("internal").checked || !conversation || !isMine(conversation)) {
    show($("preview"), false);
    return;
  }
  let result;
  try {
    result = await api("POST", `/api/agent/conversations/${encodeURIComponent(conversation.id)}/preview`, { text });
  } catch (error) {
    return; // the preview is a help; sending still reports any error
  }
  if (seq !== state.previewSeq) return; // a newer keystroke asked again
  $("preview").classList.toggle("untranslated", !result.translated && result.lang !== state.lang);
  if (!result.translated && result.lang !== state.lang) {
    $("preview-label").textContent = t("workspace_preview_untranslated", { lang: languageName(result.lang) });
    $("preview-text").textContent = "";
  } else {
    $("preview-label").textContent = t("workspace_preview_label", { lang: languageName(result.lang) });
    $("preview-text").textContent = result.text;
    $("preview-text").lang = result.lang;
  }
  show($("preview"), true);
}

async function loadCanned() {
  try {
    state.canned = (await api("GET", "/api/agent/canned")).replies || [];
  } catch {
    state.canned = [];
  }
  const first = $("canned").options[0];
  $("canned").replaceChildren(first, ...state.canned.map((reply) => h("option", { value: reply.key }, reply.text)));
  show($("canned"), state.canned.length > 0);
}

function insertCanned() {
  const reply = state.canned.find((r) => r.key === $("canned").value);
  $("canned").value = "";
  if (!reply) return;
  const box = $("reply");
  const before = box.value.slice(0, box.selectionStart);
  const after = box.value.slice(box.selectionEnd);
  const gap = before && !/\s$/.test(before) ? " " : "";
  box.value = before + gap + reply.text + after;
  box.focus();
  box.selectionStart = box.selectionEnd = (before + gap + reply.text).length;
  saveDraft();
  schedulePreview();
}

async function send(event) {
  if (event) event.preventDefault();
  const text = $("reply").value.trim();
  const conversation = state.conversation;
  if (!text || !conversation || $("send").disabled) return;
  const internal = $("internal").checked;
  $("send").disabled = true;
  try {
    const result = await api("POST", `/api/agent/conversations/${encodeURIComponent(conversation.id)}/messages`,
      { text, internal });
    clearError();
    appendMessage(result.message);
    if (state.openId === conversation.id) {
      $("reply").value = "";
      saveDraft();
      show($("preview"), false);
    }
    $("notice").textContent = result.notice ? t("workspace_sent_untranslated", { lang: languageName(conversation.lang) }) : "";
    show($("notice"), Boolean(result.notice));
  } catch (error) {
    showError(error, "send");
    if (error.status === 403 || error.status === 409) refreshAfterConflict();
  } finally {
    $("send").disabled = false;
  }
}

function refreshAfterConflict() {
  refreshQueue(false);
  if (state.openId) openConversation(state.openId, { focus: false });
}

// --- claim, transfer, resolve ----------------------------------------------------------------

async function act(action, body) {
  const conversation = state.conversation;
  if (!conversation) return;
  try {
    const updated = await api("POST",
      `/api/agent/conversations/${encodeURIComponent(conversation.id)}/${action}`, body);
    clearError();
    state.conversation = updated;
    renderConversation(updated);
    // Focus moves now, not after the queue reloads: by then the agent may be typing elsewhere.
    if (action === "claim") $("reply").focus();
    else $("messages").focus();
    await refreshQueue(false);
  } catch (error) {
    showError(error, action);
    if (error.status === 409 || error.status === 403) {
      await refreshQueue(false);
      const fresh = await api("GET", `/api/agent/conversations/${encodeURIComponent(conversation.id)}`).catch(() => null);
      if (fresh && state.openId === conversation.id) {
        state.conversation = fresh;
        renderConversation(fresh);
      }
    }
  }
}

async function openTransfer() {
  if ($("transfer").hidden) return;
  let directory;
  try {
    directory = await api("GET", "/api/agent/directory");
  } catch (error) {
    showError(error, "transfer");
    return;
  }
  const teams = h("optgroup", { label: t("workspace_transfer_to") },
    (directory.teams || []).map((team) => h("option", { value: `team:${team}` }, t("workspace_transfer_team", { team }))));
  const agents = h("optgroup", { label: t("workspace_from_agent") },
    (directory.agents || []).filter((a) => a.id !== state.agent.id)
      .map((a) => h("option", { value: `agent:${a.id}` },
        `${a.name} (${a.team}; ${(a.languages || []).join(", ")})`)));
  $("transfer-target").replaceChildren(teams, agents);
  $("transfer-note").value = "";
  $("transfer-dialog").showModal();
  $("transfer-target").focus();
}

function transferChosen() {
  if ($("transfer-dialog").returnValue !== "transfer") return;
  const [kind, value] = $("transfer-target").value.split(":");
  if (!value) return;
  const body = kind === "team" ? { team: value } : { agent_id: Number(value) };
  const note = $("transfer-note").value.trim();
  if (note) body.note = note;
  act("transfer", body);
}

// --- keyboard --------------------------------------------------------------------------------

function typing(target) {
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

function onKey(event) {
  unlockSound();
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target === $("reply")) {
    event.preventDefault();
    send();
    return;
  }
  if (event.key === "Escape" && typing(event.target) && !event.target.closest("dialog")) {
    event.target.blur();
    (queueButtons().find((b) => b.dataset.id === state.openId) || $("messages")).focus();
    return;
  }
  if (!state.started || $("workspace").hidden || typing(event.target)) return;
  if (event.ctrlKey || event.metaKey || event.altKey || document.querySelector("dialog[open]")) return;
  const click = (id) => { if (!$(id).hidden && !$(id).disabled && !$("conversation-body").hidden) $(id).click(); };
  const actions = {
    j: () => moveInQueue(1), k: () => moveInQueue(-1),
    o: () => { if (queueButtons().includes(document.activeElement)) document.activeElement.click(); },
    c: () => click("claim"), t: () => click("transfer"), e: () => click("resolve"),
    r: () => { if (!$("composer").hidden) { setInternal(false); $("reply").focus(); } },
    n: () => { if (!$("composer").hidden) { setInternal(true); $("reply").focus(); } },
    "?": () => $("help").showModal(),
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && queueButtons().includes(event.target)) {
    event.preventDefault();
    moveInQueue(event.key === "ArrowDown" ? 1 : -1);
  }
}

// --- wiring ----------------------------------------------------------------------------------

async function init() {
  $("login-form").addEventListener("submit", logIn);
  $("logout").addEventListener("click", logOut);
  $("help-open").addEventListener("click", () => $("help").showModal());
  $("claim").addEventListener("click", () => act("claim"));
  $("resolve").addEventListener("click", () => act("resolve"));
  $("transfer").addEventListener("click", openTransfer);
  $("transfer-dialog").addEventListener("close", transferChosen);
  $("composer").addEventListener("submit", send);
  $("reply").addEventListener("input", () => { saveDraft(); schedulePreview(); tellTyping(); });
  $("internal").addEventListener("change", () => { setInternal($("internal").checked); saveDraft(); });
  $("canned").addEventListener("change", insertCanned);
  document.addEventListener("keydown", onKey);
  keepPinned();
  document.addEventListener("click", unlockSound);
  setInterval(() => { if (state.started) renderQueue(); }, 30000); // waiting minutes move on
  setInterval(() => { if (state.started) refreshQueue(true); }, 60000); // in case an event was lost
  await loadStrings(navigator.language || "en");
  try {
    await start(await api("GET", "/api/agent/me"));
  } catch (error) {
    showLogin(error.status === 401 || error.status === undefined ? "" : error.message);
  }
}

document.addEventListener("DOMContentLoaded", init);
