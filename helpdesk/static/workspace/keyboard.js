// Keyboard shortcuts: j/k to move, c claim, t transfer, e resolve, r reply, n note, ? help, Esc back.

import { unlockSound } from "./arrivals.js";
import { send, setInternal } from "./composer.js";
import { $ } from "./elements.js";
import { moveInQueue, queueButtons } from "./queue.js";
import { state } from "./state.js";

// Letters typed into a field are text, not shortcuts.
function typingInField(target) {
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

export function onKey(event) {
  unlockSound();
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target === $("reply")) {
    event.preventDefault();
    send();
    return;
  }
  if (event.key === "Escape" && typingInField(event.target) && !event.target.closest("dialog")) {
    event.target.blur();
    (queueButtons().find((b) => b.dataset.id === state.openId) || $("messages")).focus();
    return;
  }
  if (!state.started || $("workspace").hidden || typingInField(event.target)) return;
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
