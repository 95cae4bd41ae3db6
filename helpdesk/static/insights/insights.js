// The insights dashboard's entry module: checks who is looking, then shows the figures of the
// filters in the address, and again on every change of them (and on going back).
// Every text from the server is written as text (h() and textContent), never as HTML.

import { wireBehind } from "./behind.js";
import { ApiError, chartAddress, csvAddress, get, whoAmI } from "./data.js";
import { $, show } from "./elements.js";
import {
  showComments, showGroups, showInfluence, showIntents, showPeriods, showRetention, showTiles,
} from "./figures.js";
import { fromAddress, fromForm, remember, toForm } from "./filters.js";
import * as f from "./format.js";

let latest = 0; // each load's number: the answers of an older one are dropped

async function init() {
  let me;
  try {
    me = await whoAmI();
  } catch (error) {
    await f.loadStrings(navigator.language || "en");
    showError(error);
    return;
  }
  await f.loadStrings(me.agent.languages[0] || navigator.language || "en");
  $("agent-name").textContent = me.agent.name;
  if (me.agent.role !== "admin") {
    showError(new ApiError(403, "admins only"));
    return;
  }
  wireBehind(showError);
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = fromForm();
    remember(chosen);
    load(chosen);
  });
  window.addEventListener("popstate", () => load(fromAddress()));
  await load(fromAddress());
}

async function load(chosen) {
  const mine = ++latest;
  toForm(chosen);
  clearError();
  $("status").textContent = f.t("insights_loading");
  $("apply").disabled = true;
  const range = { from: chosen.from, to: chosen.to };
  const asked = { ...range, hours: chosen.hours };
  try {
    const [whole, series, groups, retention, influence, comments] = await Promise.all([
      get("support", { ...asked, period: "range" }),
      get("support", { ...asked, period: chosen.period }),
      chosen.by ? get("support", { ...asked, period: "range", by: chosen.by }) : null,
      get("retention", range),
      get("influence", range),
      get("comments", { ...range, period: chosen.period }),
    ]);
    if (mine !== latest) return;
    fill(whole, series, groups, retention, influence, comments, chosen);
    $("status").textContent = "";
  } catch (error) {
    if (mine === latest) {
      $("status").textContent = "";
      showError(error);
    }
  } finally {
    if (mine === latest) $("apply").disabled = false;
  }
}

/** Fills the page with the answers; the days are those the API settled (the default range). */
function fill(whole, series, groups, retention, influence, comments, chosen) {
  const days = { from: whole.from, to: whole.to };
  toForm({ ...chosen, ...days });
  const lang = f.lang();
  const charted = { ...days, hours: chosen.hours, lang };
  $("summary-note").textContent = f.t("insights_summary_note", { from: f.day(days.from), to: f.day(days.to) });
  showTiles(whole.figures[0] || null, days);
  showIntents(whole.figures[0] || null);
  $("summary-csv").href = csvAddress("support", { ...days, hours: chosen.hours, period: "range" });

  showPeriods(series.figures, chosen, days);
  chart("rates-chart", "rates", { ...charted, period: chosen.period }, "insights_chart_rates");
  $("periods-csv").href = csvAddress("support", { ...days, hours: chosen.hours, period: chosen.period });

  show($("groups-section"), Boolean(groups));
  if (groups) {
    showGroups(groups.figures, chosen.by, days);
    chart("groups-chart", "groups", { ...charted, by: chosen.by }, "insights_chart_groups");
    $("groups-csv").href = csvAddress("support", { ...days, hours: chosen.hours, period: "range", by: chosen.by });
  }

  showRetention(retention);
  chart("retention-chart", "retention", { ...days, lang }, "insights_chart_retention");
  $("retention-csv").href = csvAddress("retention", days);
  showInfluence(influence);
  $("influence-csv").href = csvAddress("influence", days);
  showComments(comments);
  $("comments-csv").href = csvAddress("comments", { ...days, period: chosen.period });
  show($("report"), true);
}

/** The chart's image; its text alternative names it and points to the table that follows. */
function chart(id, name, params, titleKey) {
  $(id).alt = f.t(titleKey);
  $(id).src = chartAddress(name, params);
}

function showError(error) {
  let text;
  if (error.status === 401) text = f.t("insights_log_in");
  else if (error.status === 403) text = f.t("insights_admins_only");
  else text = f.t("insights_error", { detail: error.status === 0 ? f.t("workspace_error_offline") : error.message });
  $("error").textContent = text;
  show($("error"), true);
  if (error.status === 401 || error.status === 403) show($("report"), false);
}

function clearError() {
  show($("error"), false);
  $("error").textContent = "";
}

init();
