// The mail page (admins): the emails the outbox folder holds, one email's text on demand, and the
// jobs that failed every try, each with a button to queue it again. Text goes in as text only.

import { $, h, show } from "./elements.js";

let strings = {};
let csrf = "";
const t = (key) => strings[key] || key;

async function call(path, options = {}) {
  const response = await fetch(path, { credentials: "same-origin", ...options });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function showError(error) {
  $("error").textContent = error.message;
  show($("error"), true);
}

function row(cells, tag = "td") {
  return h("tr", {}, cells.map((cell) => h(tag, {}, cell)));
}

async function showEmail(name) {
  const email = await call(`/api/agent/mail/outbox/${encodeURIComponent(name)}`);
  $("email-subject").textContent = `${email.subject} (${email.to})`;
  $("email-text").textContent = email.text;
  show($("email"), true);
}

async function loadOutbox() {
  const answer = await call("/api/agent/mail/outbox");
  $("outbox-note").textContent = answer.enabled ? t("workspace_mail_outbox_on") : t("workspace_mail_smtp_on");
  const head = row([t("workspace_mail_when"), t("workspace_mail_to"), t("workspace_mail_subject"), t("workspace_mail_kind")], "th");
  const rows = answer.items.map((item) => row([
    item.date, item.to,
    h("button", { type: "button", onclick: () => showEmail(item.name).catch(showError) }, item.subject),
    item.kind,
  ]));
  $("outbox").replaceChildren(head, ...(rows.length ? rows : [row([t("workspace_mail_none")])]));
}

async function requeue(id) {
  await call(`/api/agent/jobs/${id}/requeue`, { method: "POST", headers: { "X-CSRF-Token": csrf } });
  await loadDead();
}

async function loadDead() {
  const answer = await call("/api/agent/jobs/dead");
  const head = row([t("workspace_mail_kind"), t("workspace_mail_tries"), t("workspace_mail_error"), ""], "th");
  const rows = answer.jobs.map((job) => row([
    job.kind, String(job.attempts), job.last_error || "",
    h("button", { type: "button", onclick: () => requeue(job.id).catch(showError) }, t("workspace_mail_requeue")),
  ]));
  $("dead").replaceChildren(head, ...(rows.length ? rows : [row([t("workspace_mail_none")])]));
}

async function init() {
  try {
    const me = await call("/api/agent/me");
    csrf = me.csrf_token;
    const lang = encodeURIComponent(me.agent.languages[0] || "en");
    strings = (await call(`/agent/strings?lang=${lang}`)).strings;
    for (const el of document.querySelectorAll("[data-text]")) el.textContent = t(el.dataset.text);
    await Promise.all([loadOutbox(), loadDead()]);
  } catch (error) {
    showError(error);
  }
}

init();
