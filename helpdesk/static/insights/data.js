// Every call the dashboard makes: the insights API (JSON), and the addresses of its CSV files and
// SVG charts, which the browser fetches itself (the session cookie goes with them).

import { queryString } from "./filters.js";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status; // 0: the request never reached the service
  }
}

const BASE = "/api/agent/insights";

export async function get(call, params) {
  let response;
  try {
    response = await fetch(`${BASE}/${call}?${queryString(params)}`,
      { headers: { Accept: "application/json" }, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "offline");
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, (body && body.error) || response.statusText);
  return body;
}

export const csvAddress = (call, params) => `${BASE}/${call}?${queryString({ ...params, format: "csv" })}`;
export const chartAddress = (name, params) => `${BASE}/charts/${name}?${queryString(params)}`;

/** The logged-in agent (401 when nobody is). */
export async function whoAmI() {
  const response = await fetch("/api/agent/me", { credentials: "same-origin" });
  if (!response.ok) throw new ApiError(response.status, response.statusText);
  return response.json();
}
