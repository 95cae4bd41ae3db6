// The agent workspace's entry module: wires the page's controls to the modules that do the work.
// Every text from the server is written as text (h() and textContent), never as HTML.

import * as api from "./api.js";
import { act, openTransfer, transferChosen } from "./actions.js";
import { unlockSound } from "./arrivals.js";
import { insertCanned, saveDraft, schedulePreview, send, setInternal, tellTyping } from "./composer.js";
import { keepPinned } from "./conversation.js";
import { $ } from "./elements.js";
import { onKey } from "./keyboard.js";
import { refreshQueue, renderQueue } from "./queue.js";
import { logOut, sessionExpired, showLogin, start, submitLogin } from "./session.js";
import { state } from "./state.js";
import { loadStrings } from "./texts.js";

const RERENDER_QUEUE_MS = 30000; // the waiting minutes move on
const RELOAD_QUEUE_MS = 60000; // in case a live event was lost

async function init() {
  // Not for a first visit or a wrong password: only a session that ran out mid-work.
  api.onSessionLost(() => { if (state.started) sessionExpired(); });
  $("login-form").addEventListener("submit", submitLogin);
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
  setInterval(() => { if (state.started) renderQueue(); }, RERENDER_QUEUE_MS);
  setInterval(() => { if (state.started) refreshQueue(true); }, RELOAD_QUEUE_MS);
  await loadStrings(navigator.language || "en");
  try {
    await start(await api.whoAmI());
  } catch (error) {
    showLogin(error.status === 401 || error.status === undefined ? "" : error.message);
  }
}

// A module runs once the document is parsed (modules are deferred), so the elements are there.
init();
