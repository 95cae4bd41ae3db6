// The page's texts (from /agent/strings) and the agent's conventions for numbers, money, days and
// durations (the browser's Intl, in the agent's first language).

const page = { lang: "en", strings: {} };

/** The text for `key` with its {placeholders} filled; the key itself while no texts are loaded. */
export function t(key, vars = {}) {
  const template = page.strings[key] || key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

export const has = (key) => key in page.strings;
export const lang = () => page.lang;

export async function loadStrings(wanted) {
  try {
    const response = await fetch(`/agent/strings?lang=${encodeURIComponent(wanted)}`);
    const body = await response.json();
    page.strings = body.strings;
    page.lang = body.lang;
  } catch (error) {
    console.warn("insights texts not loaded; showing English", error);
  }
  document.documentElement.lang = page.lang;
  for (const el of document.querySelectorAll("[data-text]")) {
    if (page.strings[el.dataset.text]) el.textContent = t(el.dataset.text);
  }
}

const DASH = "–"; // nothing to count

export function number(value) {
  return value === null || value === undefined ? DASH : new Intl.NumberFormat(page.lang).format(value);
}

export function percent(value) {
  if (value === null || value === undefined) return DASH;
  return new Intl.NumberFormat(page.lang, { style: "percent", maximumFractionDigits: 1 }).format(value);
}

export function money(amount, currency) {
  try {
    return new Intl.NumberFormat(page.lang, { style: "currency", currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

/** Seconds as minutes, hours or days, whichever reads best. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return DASH;
  const [value, unit] = seconds < 3600 ? [seconds / 60, "minute"]
    : seconds < 48 * 3600 ? [seconds / 3600, "hour"] : [seconds / 86400, "day"];
  return new Intl.NumberFormat(page.lang, {
    style: "unit", unit, unitDisplay: "short", maximumFractionDigits: unit === "minute" ? 0 : 1,
  }).format(value);
}

/** A UTC day ("2026-11-23") as the agent writes days. */
export function day(iso) {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString(page.lang,
    { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });
}

/** A period by its first day: "November 2026" for a month, the day otherwise. */
export function periodName(iso, period) {
  if (period !== "month") return day(iso);
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString(page.lang,
    { timeZone: "UTC", month: "long", year: "numeric" });
}

/** A moment in the agent's own time zone. */
export function moment(iso) {
  return new Date(iso).toLocaleString(page.lang, { dateStyle: "medium", timeStyle: "short" });
}

export function languageName(code) {
  try {
    return new Intl.DisplayNames([page.lang], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

/** A group as the figures name it, as the agent reads it: a language or a topic by its name. */
export function groupName(by, group) {
  if (group === "all") return t("insights_all");
  if (by === "language" && /^[a-z]{2,3}$/.test(group)) return languageName(group);
  if (by === "intent" && has(`intent_${group}`)) return t(`intent_${group}`);
  return group;
}
