// Logging in and out, and starting the workspace for the agent who did.

import * as api from "./api.js";
import { unlockSound } from "./arrivals.js";
import { forgetDrafts, loadCanned } from "./composer.js";
import { openConversation } from "./conversation.js";
import { $, show } from "./elements.js";
import { connect, disconnect } from "./live.js";
import { focusQueue, refreshQueue } from "./queue.js";
import { state } from "./state.js";
import { loadStrings, t } from "./texts.js";

export function showLogin(message) {
  show($("workspace"), false);
  show($("login"), true);
  $("login-error").textContent = message || "";
  show($("login-error"), Boolean(message));
  $("login-email").focus();
}

/** The login form again; what the agent was writing stays, to be sent after logging in. */
export function sessionExpired() {
  disconnect();
  state.started = false;
  showLogin(t("workspace_session_expired"));
}

export async function submitLogin(event) {
  event.preventDefault();
  unlockSound();
  const email = $("login-email").value.trim();
  const password = $("login-password").value;
  $("login-submit").disabled = true;
  try {
    const body = await api.logIn(email, password);
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

export async function logOut() {
  try {
    await api.logOut();
  } catch (error) {
    console.warn("logout", error);
  }
  forgetDrafts(); // unlike an expired session: whoever logs in next must not see them
  $("reply").value = "";
  sessionExpired();
  showLogin("");
}

/** Shows the workspace to `agent` (from /login or /me): texts, live events, queue, the open chat. */
export async function start({ agent, csrf_token }) {
  state.agent = agent;
  api.useCsrfToken(csrf_token);
  await loadStrings((agent.languages && agent.languages[0]) || "en");
  $("agent-name").textContent = agent.name;
  show($("insights-link"), agent.role === "admin"); // the API refuses the others anyway
  show($("mail-link"), agent.role === "admin");
  show($("login"), false);
  show($("workspace"), true);
  state.started = true;
  connect();
  await Promise.all([refreshQueue(false), loadCanned()]);
  const wanted = state.openId || decodeURIComponent(location.hash.slice(1));
  if (wanted) await openConversation(wanted, { focus: false });
  else if (document.activeElement === document.body) focusQueue(0); // unless the agent moved on
}
