// The page's texts in the agent's language (from /agent/strings), and times and language names in it.

import { state } from "./state.js";

/** The text for `key` with its {placeholders} filled; the key itself while no texts are loaded. */
export function t(key, vars = {}) {
  const template = state.strings[key] || key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

// The page's own texts come from the page's server (workspace_page.py), not from the agent API.
export async function loadStrings(lang) {
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

export function languageName(code) {
  try {
    return new Intl.DisplayNames([state.lang], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString(state.lang, { hour: "2-digit", minute: "2-digit" }) : "";
}
