// Live events over the agent websocket: the queue and messages as they change, and reconnecting.

import * as api from "./api.js";
import { beep, toast } from "./arrivals.js";
import { appendMessage, openConversation } from "./conversation.js";
import { $ } from "./elements.js";
import { refreshQueue, scheduleQueueRefresh } from "./queue.js";
// The same rule as the shopper's widget (static/shared/reconnect.js, served here flat).
import { nextReconnectAttempt, reconnectDelay } from "./reconnect.js";
import { state } from "./state.js";
import { t } from "./texts.js";

export function setLive(up) {
  $("live").textContent = up ? t("workspace_live") : t("workspace_reconnecting");
  $("live").classList.toggle("down", !up);
}

// The server listens for us from its "ready" frame on: what changed before it is fetched now.
function onListening() {
  const missed = state.reconnectAttempt > 0;
  state.reconnectAttempt = 0;
  setLive(true);
  if (missed) {
    refreshQueue(true);
    if (state.openId) openConversation(state.openId, { focus: false });
  }
}

export function connect() {
  disconnect();
  const socket = api.openSocket();
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
  socket.onclose = (event) => {
    setLive(false);
    state.reconnectAttempt = nextReconnectAttempt(state.reconnectAttempt, event && event.code);
    setTimeout(() => reconnect(socket), reconnectDelay(state.reconnectAttempt));
  };
}

/** Closes the socket for good (logged out, session gone): no reconnecting. */
export function disconnect() {
  if (state.socket) {
    state.socket.onclose = null;
    state.socket.close();
  }
  state.socket = null;
}

async function reconnect(closed) {
  if (!state.started || state.socket !== closed) return; // logged out, or a newer socket took over
  try {
    // A refused websocket does not say why: asking first tells an expired session (a 401 here
    // shows the login form) from a service that is still away.
    await api.whoAmI();
    connect();
  } catch (error) {
    if (error.status !== 401) closed.onclose(); // still away: count the failure, wait longer
  }
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
