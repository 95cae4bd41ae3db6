// Writing: drafts per conversation, the translated preview, canned replies, "is typing", sending.

import * as api from "./api.js";
import { appendMessage, isMine, openConversation } from "./conversation.js";
import { $, h, show } from "./elements.js";
import { clearError, showError } from "./errors.js";
import { refreshQueue } from "./queue.js";
import { state } from "./state.js";
import { languageName, t } from "./texts.js";

// Per tab, so a draft survives a reload and an expired session but not closing the tab.
const DRAFTS_KEY = "workspace-drafts";
const TYPING_EVERY_MS = 3000;
const PREVIEW_AFTER_MS = 350; // after the agent pauses, not at every keystroke

let drafts = loadDrafts(); // conversation id -> { text, internal }
let lastTypingSent = 0;

function loadDrafts() {
  try {
    return JSON.parse(sessionStorage.getItem(DRAFTS_KEY) || "{}");
  } catch {
    return {};
  }
}

export function saveDraft() {
  if (!state.openId) return;
  const text = $("reply").value;
  if (text) drafts[state.openId] = { text, internal: $("internal").checked };
  else delete drafts[state.openId];
  sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(drafts));
}

export function restoreDraft(id) {
  const draft = drafts[id] || { text: "", internal: false };
  $("reply").value = draft.text;
  setInternal(draft.internal);
}

export function forgetDrafts() {
  drafts = {};
  sessionStorage.removeItem(DRAFTS_KEY);
}

/** Switches the composer between a reply to the shopper and an internal note. */
export function setInternal(internal) {
  $("internal").checked = internal;
  $("composer").classList.toggle("internal", internal);
  $("reply").placeholder = t(internal ? "workspace_note_placeholder" : "workspace_reply_placeholder");
  $("send").textContent = t(internal ? "workspace_add_note" : "workspace_send");
  schedulePreview();
}

// The shopper sees "Ana is typing…": said at most every 3 seconds, never for internal notes.
export function tellTyping() {
  const conversation = state.conversation;
  if (!conversation || !isMine(conversation) || $("internal").checked || !$("reply").value.trim()) return;
  if (Date.now() - lastTypingSent < TYPING_EVERY_MS) return;
  lastTypingSent = Date.now();
  api.typing(conversation.id).catch(() => {});
}

export function schedulePreview() {
  clearTimeout(state.previewTimer);
  state.previewTimer = setTimeout(preview, PREVIEW_AFTER_MS);
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
    result = await api.preview(conversation.id, text);
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

export async function loadCanned() {
  try {
    state.canned = (await api.cannedReplies()).replies || [];
  } catch {
    state.canned = [];
  }
  const first = $("canned").options[0];
  $("canned").replaceChildren(first, ...state.canned.map((reply) => h("option", { value: reply.key }, reply.text)));
  show($("canned"), state.canned.length > 0);
}

/** Puts the chosen canned reply where the cursor is, then the menu goes back to its prompt. */
export function insertCanned() {
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

export async function send(event) {
  if (event) event.preventDefault();
  const text = $("reply").value.trim();
  const conversation = state.conversation;
  if (!text || !conversation || $("send").disabled) return;
  const internal = $("internal").checked;
  $("send").disabled = true;
  try {
    const result = await api.sendMessage(conversation.id, text, internal);
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

// Not ours any more (claimed away, transferred): show the conversation as it is now.
function refreshAfterConflict() {
  refreshQueue(false);
  if (state.openId) openConversation(state.openId, { focus: false });
}
