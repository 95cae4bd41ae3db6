// The conversations behind a figure, in a dialog: a page at a time, each a link to the workspace,
// and the whole list as CSV. Closing it (Esc or Close) puts the focus back on the figure.

import { csvAddress, get } from "./data.js";
import { $, h } from "./elements.js";
import * as f from "./format.js";

const PAGE_SIZE = 50;
const CSV_ROWS = 1000; // the API's longest page
let asked = null; // { label, params, opener, next }

/** A figure that opens the conversations behind it; `params` says which (kind, days, group). */
export function behindButton(text, label, params) {
  return h("button", {
    type: "button", className: "behind", "aria-haspopup": "dialog",
    title: f.t("insights_behind", { figure: label }),
    onclick: (event) => openBehind(label, params, event.currentTarget),
  }, text);
}

export function wireBehind(showError) {
  $("behind-more").addEventListener("click", () => more().catch(showError));
  $("behind").addEventListener("close", () => { if (asked && asked.opener) asked.opener.focus(); });
  wireBehind.showError = showError;
}

async function openBehind(label, params, opener) {
  asked = { label, params, opener, next: 0 };
  $("behind-heading").textContent = f.t("insights_behind", { figure: label });
  $("behind-table").replaceChildren(head(params.by));
  $("behind-count").textContent = f.t("insights_loading");
  $("behind-csv").href = csvAddress("conversations", { ...params, limit: CSV_ROWS });
  $("behind-more").hidden = true;
  if (!$("behind").open) $("behind").showModal();
  $("behind-heading").focus();
  try {
    await more();
  } catch (error) {
    $("behind").close();
    wireBehind.showError(error);
  }
}

async function more() {
  const page = await get("conversations", { ...asked.params, limit: PAGE_SIZE, offset: asked.next });
  const body = $("behind-table").tBodies[0] || $("behind-table").appendChild(h("tbody"));
  for (const conversation of page.conversations) body.append(row(conversation, asked.params.by));
  $("behind-count").textContent = f.t("insights_behind_count", { count: f.number(page.total) });
  asked.next = page.next_offset;
  $("behind-more").hidden = page.next_offset === null;
}

function head(by) {
  const names = ["insights_conversation", "insights_opened", "insights_language", "insights_state"];
  if (by) names.push(`insights_by_${by}`);
  names.push("insights_handed_over", "insights_reopened", "insights_fallbacks");
  return h("thead", {}, h("tr", {}, names.map((key) => h("th", { scope: "col" }, f.t(key)))));
}

function row(conversation, by) {
  const yes = (value) => f.t(value ? "insights_yes" : "insights_no");
  const link = h("a", { href: `/agent#${encodeURIComponent(conversation.conversation_id)}` },
    conversation.conversation_id.slice(0, 8));
  return h("tr", {},
    h("td", {}, link),
    h("td", {}, f.moment(conversation.opened_at)),
    h("td", {}, f.languageName(conversation.lang)),
    h("td", {}, stateName(conversation.state)),
    by ? h("td", {}, f.groupName(by, conversation.group)) : null,
    h("td", {}, yes(conversation.handed_over)),
    h("td", {}, yes(conversation.reopened)),
    h("td", { className: "number" }, f.number(conversation.fallbacks)));
}

function stateName(state) {
  const key = `workspace_state_${state}`;
  return f.has(key) ? f.t(key, { agent: "" }).replace(/\s+$/, "") : state;
}
