// The one reconnect rule for both pages' websockets: back-off doubling from 0.5 s, jitter, one cap.
// The workspace imports this module; /widget.js, a classic script, has it pasted in by
// helpdesk/chat/widget_api.py without the word `export`: so only `export const|function`, no imports.

export const RECONNECT_FIRST_DELAY_MS = 500; // doubled at every failed attempt, up to the cap
export const RECONNECT_MAX_DELAY_MS = 30000;
// Told "too many" (close code 4429, the service's 429): back off as after this many failures.
export const RECONNECT_SLOW_DOWN_ATTEMPTS = 5;

/** The attempt count after a socket closed with `closeCode` (undefined when it never opened). */
export function nextReconnectAttempt(attempt, closeCode) {
  return (closeCode === 4429 ? Math.max(attempt, RECONNECT_SLOW_DOWN_ATTEMPTS) : attempt) + 1;
}

/** Milliseconds to wait after `attempt` failures: between half and all of the doubled delay, so
 *  that pages cut off together (a deploy, a network drop) do not all come back at once. */
export function reconnectDelay(attempt) {
  return Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_FIRST_DELAY_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
}
