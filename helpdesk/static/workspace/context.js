// The context beside a conversation: summary, verification, order, returns, rating.

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

export function renderContext(conversation) {
  const summary = conversation.summary || {};
  const known = ["reason", "intents", "order_number"];
  const extra = Object.entries(summary).filter(([key, v]) => !known.includes(key) && v !== null && v !== "");
  const verification = conversation.verification || {};
  const order = conversation.order;
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
}
