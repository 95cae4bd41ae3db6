// What the dashboard shows: the filters in the form, kept in the page's address (so a view can be
// bookmarked, shared, and gone back to), and the query strings of the API calls made of them.

import { $ } from "./elements.js";

const FIELDS = ["from", "to", "period", "by", "hours"];
const DEFAULTS = { period: "month", by: "", hours: "business" };

/** The filters in the address; from and to stay empty for the API's default (the last 30 days). */
export function fromAddress() {
  const query = new URLSearchParams(location.search);
  const chosen = {};
  for (const name of FIELDS) chosen[name] = query.get(name) || DEFAULTS[name] || "";
  return chosen;
}

export function toForm(chosen) {
  for (const name of FIELDS) $(name).value = chosen[name];
}

export function fromForm() {
  const chosen = {};
  for (const name of FIELDS) chosen[name] = $(name).value;
  return chosen;
}

/** Records the view in the address; going back shows the previous one (a popstate event). */
export function remember(chosen) {
  const query = new URLSearchParams();
  for (const name of FIELDS) if (chosen[name]) query.set(name, chosen[name]);
  const address = `${location.pathname}?${query}`;
  if (address !== `${location.pathname}${location.search}`) history.pushState(null, "", address);
}

/** A query string of the API: the parameters given, empty ones left out. */
export function queryString(params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== "" && value !== null && value !== undefined) query.set(name, value);
  }
  return query.toString();
}

/** The days of a period that starts on `first` ("YYYY-MM-DD"), inside the range asked for. */
export function periodDays(first, period, range) {
  const start = new Date(`${first}T00:00:00Z`);
  const end = new Date(start);
  if (period === "week") end.setUTCDate(end.getUTCDate() + 6);
  else if (period === "month") end.setUTCMonth(end.getUTCMonth() + 1, 0);
  const last = end.toISOString().slice(0, 10);
  return { from: first < range.from ? range.from : first, to: last > range.to ? range.to : last };
}
