// One conversation: opening it, its header and actions, its messages with their translations.

import * as api from "./api.js";
import { restoreDraft, saveDraft, schedulePreview } from "./composer.js";
import { renderContext } from "./context.js";
import { $, h, show } from "./elements.js";
import { clearError, showError } from "./errors.js";
import { badges, renderQueue } from "./queue.js";
import { state } from "./state.js";
import { languageName, t, time } from "./texts.js";

/** Loads and shows a conversation (again, when it changed); its id goes in the address for a reload. */
export async function openConversation(id, { focus = true } = {}) {
  if (state.openId && state.openId !== id) saveDraft();
  let conversation;
  try {
    conversation = await api.conversation(id);
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

export function isMine(conversation) {
  return conversation.state === "with_agent" && conversation.agent && conversation.agent.id === state.agent.id;
}

function stateText(conversation) {
  if (conversation.state === "with_agent") {
    return t("workspace_state_with_agent", { agent: (conversation.agent && conversation.agent.name) || "?" });
  }
  return t(`workspace_state_${conversation.state}`);
}

export function renderConversation(conversation) {
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

/** Claim, transfer, resolve and the composer: only what this agent may do with it now. */
export function renderActions() {
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

/** Adds a message to the log unless it is there already (the HTTP answer and the socket both bring it). */
export function appendMessage(message, scroll = true) {
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

/** The log follows new messages while the agent reads its end, not while they scroll back. */
export function keepPinned() {
  const log = $("messages");
  log.addEventListener("scroll", () => {
    state.pinned = log.scrollTop + log.clientHeight >= log.scrollHeight - 24;
  });
  new ResizeObserver(() => { if (state.pinned) log.scrollTop = log.scrollHeight; }).observe(log);
}
