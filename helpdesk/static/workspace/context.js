// The context beside a conversation: summary, verification, loyalty, order, returns, rating.

import * as api from "./api.js";
import { $, h } from "./elements.js";
import { state } from "./state.js";
import { languageName, t } from "./texts.js";

/** Any value from the bot's summary as one line of text: lists joined, objects by their fields. */
function describe(value) {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) return value.map(describe).join(", ");
  const name = value.name || value.title || value.sku || value.number || value.rma || "";
  const rest = Object.entries(value)
    .filter(([key, v]) => v !== null && typeof v !== "object" && !["name", "title"].includes(key) && v !== name)
    .map(([key, v]) => `${key.replace(/_/g, " ")}: ${v}`);
  return [name, ...rest].filter(Boolean).join(" · ");
}

function money(amount, currency) {
  try {
    return new Intl.NumberFormat(state.lang, { style: "currency", currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency || ""}`.trim();
  }
}

function topic(name) {
  return name ? state.strings[`intent_${name}`] || String(name).replace(/_/g, " ") : "";
}

function section(titleKey, ...content) {
  return h("section", { className: "context-section" }, h("h3", {}, t(titleKey)), content);
}

function facts(pairs) {
  const rows = pairs.filter(([, value]) => value !== null && value !== undefined && value !== "");
  return h("dl", { className: "facts" }, rows.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

function list(values, emptyKey, line = describe) {
  if (!values || !values.length) return emptyKey ? h("p", { className: "empty" }, t(emptyKey)) : null;
  return h("ul", { className: "plain" }, values.map((value) => h("li", {}, line(value))));
}

function day(iso) {
  return iso ? new Date(iso).toLocaleDateString(state.lang, { day: "numeric", month: "short" }) : "";
}

// One line per item, shipment and return: the fields an agent looks for, in the order they read.
const lines = {
  item: (currency) => (i) => [`${i.quantity ?? 1} × ${i.name || i.sku}`, i.sku,
    i.unit_price !== undefined ? money(i.unit_price, currency) : ""].filter(Boolean).join(" · "),
  shipment: (s) => [s.carrier, s.tracking_number, [day(s.shipped_on), day(s.delivered_on || s.estimated_delivery)]
    .filter(Boolean).join(" → ")].filter(Boolean).join(" · "),
  return: (currency) => (r) => [r.rma, r.status, r.refund_status,
    r.refund_amount !== undefined && r.refund_amount !== null ? money(r.refund_amount, currency) : ""]
    .filter(Boolean).join(" · "),
};

function number(value) {
  return new Intl.NumberFormat(state.lang).format(value);
}

function longDay(iso) {
  // A date without a time (2026-12-18): the same day wherever the agent is.
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString(state.lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

function loyaltyFacts(account) {
  return [
    facts([
      [t("workspace_loyalty_balance"), number(account.balance)],
      [t("workspace_loyalty_tier"), account.tier_title],
      [t("workspace_loyalty_expires"), account.expires_on ? longDay(account.expires_on) : ""],
      [t("workspace_loyalty_referral_code"), account.referral_code || t("workspace_loyalty_no_referral_code")],
      [t("workspace_loyalty_referral_link"), account.referral_link],
    ]),
    account.expiring_points > 0 && h("p", { className: "warning" }, t("workspace_loyalty_expiring_soon",
      { points: number(account.expiring_points), date: longDay(account.expires_on) })),
  ];
}

const NOT_SHOWN = { shopper_not_verified: "workspace_loyalty_not_verified", no_loyalty_account: "workspace_loyalty_no_account" };

/** The account comes from its own endpoint, which shows it only once the shopper proved who they
 *  are; until it answers, the section shows what it showed before for this conversation. */
async function showLoyalty(id, placeholder) {
  let content;
  try {
    content = loyaltyFacts(await api.loyalty(id));
  } catch (error) {
    content = h("p", { className: "empty" }, NOT_SHOWN[error.code] ? t(NOT_SHOWN[error.code]) : error.message);
  }
  if (state.openId !== id || !placeholder.isConnected) return; // another conversation is on screen
  const shown = section("workspace_loyalty", content);
  shown.id = "loyalty";
  placeholder.replaceWith(shown);
  state.loyalty = { id, shown };
}

export function renderContext(conversation) {
  const summary = conversation.summary || {};
  const known = ["reason", "intents", "order_number"];
  const extra = Object.entries(summary).filter(([key, v]) => !known.includes(key) && v !== null && v !== "");
  const verification = conversation.verification || {};
  const order = conversation.order;
  const loyalty = state.loyalty && state.loyalty.id === conversation.id ? state.loyalty.shown
    : section("workspace_loyalty", h("p", { className: "empty" }, t("workspace_loyalty_loading")));
  const parts = [
    section("workspace_summary", facts([
      [t("workspace_reason"), topic(summary.reason || conversation.reason)],
      [t("workspace_topics"), (summary.intents || []).map(topic).join(", ")],
      [t("workspace_order"), summary.order_number],
      [t("workspace_language"), languageName(conversation.lang)],
      [t("workspace_contact_email"), conversation.contact_email],
      ...extra.map(([key, v]) => [key.replace(/_/g, " "), describe(v)]),
    ])),
    section("workspace_verification",
      verification.verified_orders && verification.verified_orders.length
        ? facts([[t("workspace_verified_orders"), verification.verified_orders.join(", ")]])
        : h("p", { className: "empty" }, t("workspace_not_verified")),
      verification.identity && facts([[t("workspace_identity"), verification.identity]])),
    loyalty,
    order && !order.verified ? section("workspace_order",
      h("p", { className: "warning" }, t("workspace_order_named_unverified", { number: order.number })))
    : order ? section("workspace_order",
      facts([[t("workspace_order"), `#${order.number}`], [t("workspace_status"), order.status],
        [t("workspace_total"), order.total !== undefined && order.total !== null ? money(order.total, order.currency) : ""]]),
      h("h4", {}, t("workspace_items")), list(order.items, null, lines.item(order.currency)),
      order.shipments && order.shipments.length
        ? [h("h4", {}, t("workspace_shipments")), list(order.shipments, null, lines.shipment)] : null,
      h("h4", {}, t("workspace_returns")), list(order.returns, "workspace_no_returns", lines.return(order.currency)))
      : section("workspace_order", h("p", { className: "empty" }, t("workspace_no_order"))),
    conversation.rating && section("workspace_rating", facts([
      [t("workspace_rating"), t("workspace_rating_value", { score: conversation.rating.score })],
      ["", conversation.rating.comment]])),
  ];
  $("context-body").replaceChildren(...parts.filter(Boolean));
  showLoyalty(conversation.id, loyalty);
}
