// Every call to the agent API (/api/agent/...), and its websocket: the only module that talks to it.

import { t } from "./texts.js";

export class ApiError extends Error {
  constructor(status, message, response, code) {
    super(message);
    this.status = status; // 0: the request never reached the service
    this.response = response;
    this.code = code; // "taken", "at_capacity": what kind of 409 it is
  }
}

let csrfToken = null; // given at login (and by /me); sent with every change
let sessionLost = () => {};

/** Keeps the token that every POST must carry (the API refuses a change without it). */
export function useCsrfToken(token) {
  csrfToken = token;
}

/** What to do when the API answers 401: the session cookie expired or was removed. */
export function onSessionLost(handler) {
  sessionLost = handler;
}

async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
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
    if (response.status === 401) sessionLost();
    throw error;
  }
  return data;
}

const conversationPath = (id, rest = "") => `/api/agent/conversations/${encodeURIComponent(id)}${rest}`;

export const logIn = (email, password) => request("POST", "/api/agent/login", { email, password });
export const logOut = () => request("POST", "/api/agent/logout");
/** The logged-in agent and a CSRF token, or a 401 when nobody is. */
export const whoAmI = () => request("GET", "/api/agent/me");
export const queue = () => request("GET", "/api/agent/queue");
export const cannedReplies = () => request("GET", "/api/agent/canned");
/** The teams and agents a conversation can be transferred to. */
export const directory = () => request("GET", "/api/agent/directory");
export const conversation = (id) => request("GET", conversationPath(id));
/** "claim", "transfer" (body: {team} or {agent_id}, and a note) or "resolve"; the updated conversation. */
export const act = (id, action, body) => request("POST", conversationPath(id, `/${action}`), body);
export const sendMessage = (id, text, internal) => request("POST", conversationPath(id, "/messages"), { text, internal });
/** What the shopper would read: the text translated to their language, if it can be. */
export const preview = (id, text) => request("POST", conversationPath(id, "/preview"), { text });
/** The proved shopper's loyalty account: 409 shopper_not_verified before they prove who they are. */
export const loyalty = (id) => request("GET", conversationPath(id, "/loyalty"));
/** Tells the shopper "… is typing". */
export const typing = (id) => request("POST", conversationPath(id, "/typing"));

/** The live events; the session cookie authenticates it, so nothing is sent first. */
export function openSocket() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return new WebSocket(`${scheme}://${location.host}/api/agent/ws`);
}
