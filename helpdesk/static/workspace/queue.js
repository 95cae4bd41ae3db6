// The queue: my conversations and the waiting ones, their badges, moving through them by keyboard.

import * as api from "./api.js";
import { arrived } from "./arrivals.js";
import { openConversation, renderActions } from "./conversation.js";
import { $, h, show } from "./elements.js";
import { setLive } from "./live.js";
import { state } from "./state.js";
import { languageName, t, time } from "./texts.js";

/** Reloads the queue; with `notify`, a conversation that was not waiting before is announced. */
export async function refreshQueue(notify = true) {
  const before = new Set(state.queue.queued.map((item) => item.id));
  try {
    state.queue = await api.queue();
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

// Events often come in bursts (a message, then its state change): one reload for them all.
export function scheduleQueueRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => refreshQueue(true), 100);
}

export function renderQueue() {
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

/** High priority, waiting too long, outside hours: for a queue item or the open conversation. */
export function badges(item) {
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

export function queueButtons() {
  return [...document.querySelectorAll("#queue button.item")];
}

export function focusQueue(index) {
  const buttons = queueButtons();
  if (buttons.length) buttons[Math.max(0, Math.min(index, buttons.length - 1))].focus();
}

/** j/k and the arrows: from the focused item, or else from the open conversation's. */
export function moveInQueue(step) {
  const buttons = queueButtons();
  if (!buttons.length) return;
  let at = buttons.indexOf(document.activeElement);
  if (at < 0) at = buttons.findIndex((b) => b.dataset.id === state.openId);
  focusQueue(at < 0 ? 0 : at + step);
}
