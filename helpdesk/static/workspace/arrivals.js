// Arrivals: a toast, a sound, so that an agent looking elsewhere notices a shopper waiting.

import { openConversation } from "./conversation.js";
import { $, h } from "./elements.js";
import { state } from "./state.js";
import { t } from "./texts.js";

const TOAST_MS = 8000;

export function arrived(item) {
  toast(t("workspace_new_conversation", { preview: item.preview_translation || item.preview || "" }), item.id);
  beep();
}

/** A note in the corner for a few seconds; clicking it opens the conversation it is about. */
export function toast(text, conversationId) {
  const el = h("button", {
    type: "button", className: "toast", "data-id": conversationId,
    onclick: () => { el.remove(); if (conversationId) openConversation(conversationId); },
  }, text);
  $("toasts").append(el);
  setTimeout(() => el.remove(), TOAST_MS);
}

export function unlockSound() {
  // Browsers only let a page play sound after the person did something on it.
  if (!state.audio && window.AudioContext) state.audio = new AudioContext();
  if (state.audio && state.audio.state === "suspended") state.audio.resume();
}

export function beep() {
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
