// The figures as tiles and tables. Every count of conversations is a button that opens the
// conversations behind it (behind.js); each table has the same figures as the chart above it.

import { behindButton } from "./behind.js";
import { $, h } from "./elements.js";
import { periodDays } from "./filters.js";
import * as f from "./format.js";

const cell = (content, number = false) => h("td", { className: number ? "number" : null }, content);
const headCell = (key, number = false) => h("th", { scope: "col", className: number ? "number" : null }, f.t(key));

/** A table of `rows` under `headKeys`; the columns from `numbersFrom` on hold numbers. */
function table(id, headKeys, numbersFrom, rows) {
  const head = h("thead", {}, h("tr", {}, headKeys.map((key, i) => headCell(key, i >= numbersFrom))));
  const body = h("tbody", {}, rows.length ? rows
    : h("tr", {}, h("td", { colspan: headKeys.length }, f.t("insights_nothing"))));
  $(id).replaceChildren(head, body);
}

// --- the summary: one tile per KPI -------------------------------------------------------------

/** `kpis`: the whole range's figures (period=range, no split), or null when nothing was opened. */
export function showTiles(kpis, range) {
  const k = kpis || emptyKpis();
  const behind = (kind, count, label) => behindButton(f.number(count), label, { ...range, kind });
  // "{count} of {total}" in the agent's language, the count being the button.
  const of = (kind, count, total, label) => h("span", {},
    f.t("insights_of", { count: "\u0000", total: f.number(total) }).split("\u0000")
      .flatMap((part, i) => (i ? [behind(kind, count, label), part] : [part])));
  const times = (durations) => `${f.t("insights_median")} ${f.duration(durations.median_seconds)} · `
    + `${f.t("insights_p90")} ${f.duration(durations.p90_seconds)}`;
  const tiles = [
    ["insights_conversations", f.number(k.conversations), behind("all", k.conversations, f.t("insights_conversations"))],
    ["insights_automation_rate", f.percent(k.automation_rate), of("automated", k.automated, k.conversations, f.t("insights_automated"))],
    ["insights_handover_rate", f.percent(k.handover_rate), of("handed_over", k.handed_over, k.conversations, f.t("insights_handed_over"))],
    ["insights_durable_rate", f.percent(k.durable_resolution_rate), of("durable", k.durable, k.conversations, f.t("insights_durable"))],
    ["insights_reopen_rate", f.percent(k.reopen_rate), of("reopened", k.reopened, k.resolved, f.t("insights_reopened"))],
    ["insights_fallback_rate", f.percent(k.fallback_rate), behindLine("fallback", k, range)],
    ["insights_csat", f.percent(k.csat), of("satisfied", k.satisfied, k.ratings, f.t("insights_satisfied"))],
    ["insights_response_rate", f.percent(k.response_rate), of("rated", k.ratings, k.resolutions, f.t("insights_ratings"))],
    ["insights_first_reply", f.duration(k.first_human_reply.median_seconds), times(k.first_human_reply)],
    ["insights_resolution_time", f.duration(k.resolution_time.median_seconds), times(k.resolution_time)],
    ["insights_queue_wait", f.duration(k.queue_wait.median_seconds), times(k.queue_wait)],
    ["insights_in_time", f.percent(k.answered_in_time_rate), h("span", {}, f.t("insights_of", { count: f.number(k.answered_in_time), total: f.number(k.waits_judged) }))],
    ["insights_comments", f.number(k.comments), behind("commented", k.comments, f.t("insights_comments"))],
  ];
  $("tiles").replaceChildren(...tiles.map(([key, value, detail]) => h("li", { className: "tile" },
    h("span", { className: "label" }, f.t(key)),
    h("span", { className: "value" }, value),
    h("span", { className: "detail" }, detail))));
}

function behindLine(kind, k, range) {
  const label = f.t("insights_fallbacks");
  return h("span", {}, behindButton(f.number(k.fallbacks), label, { ...range, kind }), ` / ${f.number(k.bot_turns)}`);
}

function emptyKpis() {
  const none = { count: 0, median_seconds: null, p90_seconds: null };
  return {
    conversations: 0, automated: 0, automation_rate: null, handed_over: 0, handover_rate: null,
    durable: 0, durable_resolution_rate: null, resolved: 0, reopened: 0, reopen_rate: null,
    bot_turns: 0, fallbacks: 0, fallback_rate: null, handover_intents: [], first_human_reply: none,
    resolution_time: none, queue_wait: none, waits_judged: 0, answered_in_time: 0,
    answered_in_time_rate: null, ratings: 0, satisfied: 0, csat: null, resolutions: 0,
    response_rate: null, comments: 0,
  };
}

// --- per period and per group ------------------------------------------------------------------

const SPLIT_HEAD = ["insights_conversations", "insights_automated", "insights_automation_rate",
  "insights_handed_over", "insights_handover_rate", "insights_csat", "insights_first_reply"];

function splitCells(k, params) {
  const behind = (kind, count, key) => behindButton(f.number(count), f.t(key), { ...params, kind });
  return [
    cell(behind("all", k.conversations, "insights_conversations"), true),
    cell(behind("automated", k.automated, "insights_automated"), true),
    cell(f.percent(k.automation_rate), true),
    cell(behind("handed_over", k.handed_over, "insights_handed_over"), true),
    cell(f.percent(k.handover_rate), true),
    cell(f.percent(k.csat), true),
    cell(f.duration(k.first_human_reply.median_seconds), true),
  ];
}

export function showPeriods(figures, chosen, range) {
  const rows = figures.map((k) => h("tr", {},
    h("th", { scope: "row" }, f.periodName(k.period, chosen.period)),
    splitCells(k, { ...range, ...periodDays(k.period, chosen.period, range) })));
  table("periods", ["insights_period", ...SPLIT_HEAD], 1, rows);
}

export function showGroups(figures, by, range) {
  const sorted = [...figures].sort((a, b) => b.conversations - a.conversations);
  const rows = sorted.map((k) => h("tr", {},
    h("th", { scope: "row" }, f.groupName(by, k.group)),
    splitCells(k, { ...range, by, group: k.group })));
  table("groups", [`insights_by_${by}`, ...SPLIT_HEAD], 1, rows);
}

export function showIntents(kpis) {
  const rows = (kpis ? kpis.handover_intents : []).map((item) => h("tr", {},
    h("th", { scope: "row" }, f.groupName("intent", item.intent)), cell(f.number(item.handovers), true)));
  table("intents", ["insights_topic", "insights_handovers"], 1, rows);
}

// --- retention, influence, comments ------------------------------------------------------------

export function showRetention(answer) {
  const money = (cohort, field) => cohort.currencies.map((c) => f.money(c[field] ?? 0, c.currency)).join(" · ") || "–";
  const rows = [];
  const comparisons = [["all", answer.everyone], ...answer.by_market.map((c) => ["market", c]),
    ...answer.by_language.map((c) => ["language", c])];
  for (const [split, comparison] of comparisons) {
    for (const cohort of ["contacted", "not_contacted"]) {
      const figures = comparison[cohort];
      rows.push(h("tr", {},
        h("th", { scope: "row" }, f.groupName(split, comparison.group)),
        cell(f.t(`insights_${cohort}`)),
        cell(f.number(figures.customers), true),
        cell(f.percent(figures.repeat_purchase_rate), true),
        cell(f.percent(figures.churn_rate), true),
        cell(money(figures, "average_order_value"), true),
        cell(money(figures, "lifetime_value"), true)));
    }
  }
  table("retention", ["insights_group", "insights_cohort", "insights_customers", "insights_repeat_rate",
    "insights_churn_rate", "insights_aov", "insights_ltv"], 2, rows);
  $("retention-note").textContent = f.t("insights_retention_note", { to: f.day(answer.to), days: answer.churn_days });
}

export function showInfluence(answer) {
  const rows = answer.groups.map((group) => h("tr", {},
    h("th", { scope: "row" }, f.t(`insights_handled_${group.handled_by}`)),
    cell(f.number(group.conversations), true),
    cell(f.number(group.orders), true),
    cell(group.currencies.map((m) => f.money(m.net_revenue, m.currency)).join(" · ") || "–", true)));
  table("influence", ["insights_handled_by", "insights_conversations", "insights_orders", "insights_net_revenue"], 1, rows);
  $("influence-note").textContent = f.t("insights_influence_note", { days: answer.influence_days });
}

export function showComments(answer) {
  const rows = answer.comments.map((c) => h("tr", {},
    cell(f.moment(c.at)),
    cell(h("a", { href: `/agent#${encodeURIComponent(c.conversation_id)}` }, c.conversation_id.slice(0, 8))),
    cell(c.comment),
    cell(f.number(c.rating), true)));
  table("comments", ["insights_when", "insights_conversation", "insights_comment", "insights_rating"], 3, rows);
}
