/* The shopper's chat widget. Embed: <script src="https://support.example/widget.js" data-shop="…" async></script>
   Plain JS, no dependencies, no build step; everything lives in a shadow root so the shop's CSS and
   ours never meet. Text reaches the page through textContent / text nodes only. One classic script
   for any shop's origin; the server pastes in the reconnect rule shared with the agent workspace. */
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || window.ShopSupport) return;
  const opts = script.dataset;
  const API = (opts.api || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  const KEY = `shop-support:${opts.shop || "shop"}`;
  const TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
  // A logged-in customer, signed by the shop's server with an expiry (README: the signed identity).
  const expires = parseInt(opts.identityExpires, 10);
  const identity = opts.identityEmail && opts.identitySignature
    ? { email: opts.identityEmail, signature: opts.identitySignature, ...(expires >= 0 ? { expires } : {}) } : null;
  const who = identity ? identity.email.trim().toLowerCase() : "";

  // ---- what survives a reload: the session, unsent messages, a few flags -----------------------
  // A new conversation's saved part: the shopper's language and the open panel stay.
  const freshSaved = (kept) => ({ lang: kept.lang, open: kept.open, outbox: [], titles: {}, rated: {}, unread: 0, cursor: 0 });

  function readSaved() {
    let stored = {};
    try { stored = JSON.parse(localStorage.getItem(KEY)) || {}; } catch { /* blocked storage */ }
    // Another customer signed in (or out) in this browser: never show them the previous one's chat.
    if (stored.session && stored.session.who !== who) stored = freshSaved(stored);
    return { ...freshSaved(stored), ...stored };
  }

  // ---- the widget's one state object: all that changes while the page is open -------------------
  const widget = {
    saved: readSaved(), // what survives a reload (localStorage[KEY]), written by persist()
    strings: {}, lang: "en", // texts in the shopper's language
    seen: new Map(), // server id -> message
    pending: new Map(), // client id -> element shown before the service stored it
    inFlight: false, // a message on its way: the bot "is typing"
    agentTyping: null, agentTypingTimer: 0, // the agent writing now, for a few seconds
    socket: null, reconnectAttempt: 0, reconnectTimer: null, // attempts: failures since "ready"
    synced: false, // caught up since the socket listened: live messages move the cursor
    flushing: false, flushTimer: null, // one sender of the outbox at a time keeps the order
    holdUntil: 0, // after a 429: nothing is sent before this time
    opening: null, // the session being created, which every waiting send shares
    transcriptOn: false, mailing: false, mailOpener: null, // the conversation by email: offered? asked?
  };

  const persist = () => { try { localStorage.setItem(KEY, JSON.stringify(widget.saved)); } catch { /* memory only */ } };
  const conversationState = () => widget.saved.state || "bot";

  const uuid = () => (crypto.randomUUID ? crypto.randomUUID()
    : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));

  // ---- texts, from locales/ through /api/chat/strings --------------------------------------------
  const t = (key, vars = {}) => (widget.strings[key] || key).replace(/\{(\w+)\}/g, (m, name) => (name in vars ? vars[name] : m));
  const wanted = () => [widget.saved.lang, opts.locale, document.documentElement.lang, ...(navigator.languages || [navigator.language])]
    .find((tag) => tag && TAG.test(tag)) || "en";

  async function loadStrings(tag) {
    const response = await fetch(`${API}/api/chat/strings?lang=${encodeURIComponent(tag)}`);
    if (!response.ok) return tag === "en" ? Promise.reject(new Error("no strings")) : loadStrings("en");
    return response.json();
  }

  // ---- the DOM: a constant shell (no data in it); every text goes in with textContent ----------
  const host = document.createElement("div");
  host.id = "shop-support-widget";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>${CSS()}</style>
<div class="w" part="widget">
 <section class="panel" id="panel" role="dialog" aria-labelledby="title" hidden>
  <header><div class="head"><h2 id="title"></h2><p class="status" id="status"></p></div>
   <select class="lang" id="lang"></select>
   <button type="button" class="icon" id="mail" aria-controls="mailer" aria-expanded="false" hidden><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 5h18v14H3zm2 3.2V17h14V8.2l-7 4.4zM6.2 7l5.8 3.6L17.8 7z"/></svg></button>
   <button type="button" class="icon" id="new"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 5V2L7 6l5 4V7a6 6 0 1 1-6 6H4a8 8 0 1 0 8-8z"/></svg></button>
   <button type="button" class="icon" id="close"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M5 11h14v2H5z"/></svg></button>
  </header>
  <p class="banner" id="banner" role="status" hidden></p>
  <div class="log" id="log" role="log" aria-live="polite" tabindex="0"><div class="intro" id="intro"></div></div>
  <p class="typing" id="typing" role="status" hidden></p>
  <div class="replies" id="replies" role="group"></div>
  <div class="mailer" id="mailer"><div class="mhead"><h3 id="mailer-title"></h3><button type="button" class="x" id="mailer-close">✕</button></div>
   <form id="mailer-ask" novalidate hidden><label for="mailer-email" id="mailer-label"></label>
    <div class="mrow"><input id="mailer-email" type="email" autocomplete="email" maxlength="320" dir="ltr" spellcheck="false" aria-describedby="mailer-result"><button type="submit" class="chip" id="mailer-send"></button></div></form>
   <p class="mresult" id="mailer-result" role="status" aria-live="polite" aria-atomic="true"></p>
   <button type="button" class="chip" id="mailer-other" hidden></button></div>
  <form class="composer" id="composer"><label class="sr" for="input" id="input-label"></label>
   <textarea id="input" rows="1" maxlength="2000" enterkeyhint="send" dir="auto"></textarea>
   <button type="submit" class="send" id="send"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 20l18-8L3 4v6l12 2-12 2z"/></svg></button>
  </form>
 </section>
 <button type="button" class="launcher" id="launcher" aria-controls="panel" aria-expanded="false">
  <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>
  <span class="badge" id="badge" aria-hidden="true" hidden></span>
 </button>
</div>`;
  const $ = (id) => root.getElementById(id);
  const [panel, log, input, launcher, replies, typing, banner] =
    ["panel", "log", "input", "launcher", "replies", "typing", "banner"].map($);
  const h = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  };
  if (opts.color && CSS_SUPPORTS(opts.color)) host.style.setProperty("--accent", opts.color);


  // ---- messages -----------------------------------------------------------------------------------
  /** Text with http(s) links made clickable; anything else (javascript:, data:) stays text. */
  function fill(node, text) {
    let last = 0;
    for (const match of text.matchAll(/\bhttps?:\/\/[^\s<>"'`]+/gi)) {
      const raw = match[0].replace(/[.,;:!?)\]}»。，、]+$/u, "");
      let href = null;
      try { const url = new URL(raw); if (url.protocol === "https:" || url.protocol === "http:") href = url.href; } catch { /* text */ }
      node.append(text.slice(last, match.index));
      if (href) {
        const a = h("a", "", raw);
        Object.assign(a, { href, target: "_blank", rel: "noopener noreferrer" });
        a.append(h("span", "sr", ` ${t("new_tab")}`));
        node.append(a);
      } else node.append(raw);
      last = match.index + raw.length;
    }
    node.append(text.slice(last));
  }

  function shown(message) {
    // A quick reply is stored as its payload ("/order_status"); the shopper clicked its title.
    if (message.from !== "shopper" || !message.text.startsWith("/")) return message.text;
    if (widget.saved.titles[message.client_id]) return widget.saved.titles[message.client_id];
    for (const other of widget.seen.values()) {
      const button = (other.buttons || []).find((b) => b.payload === message.text);
      if (button) return button.title;
    }
    return message.text;
  }

  function speaker(message) {
    if (message.from === "agent") return message.author || t("agent_name");
    return message.from === "shopper" ? t("you") : t("bot_name");
  }

  function bubble(message) {
    const notice = message.from === "system" || message.kind === "notice";
    const node = h("div", notice && message.kind !== "rating_prompt" ? "notice" : `msg ${message.from}`);
    node.dataset.from = message.from;
    if (!notice || message.kind === "rating_prompt") {
      const label = h("span", message.from === "shopper" ? "who sr" : "who", speaker(message));
      label.dataset.role = message.from === "agent" && message.author ? "" : message.from;
      node.append(label);
    }
    const text = h("div", "text");
    text.dir = "auto"; // each text in its own direction: an English answer in an Arabic layout
    fill(text, shown(message));
    node.append(text, h("span", "meta"));
    if (message.kind === "rating_prompt") node.append(rating(message));
    // Resolved (by an agent, or by the bot after a quiet hour): the transcript is offered there.
    if (message.kind === "rating_prompt" && widget.transcriptOn && message.id > (widget.saved.mailedUpTo || 0)) node.append(offer());
    if (message.created_at) node.title = new Date(message.created_at).toLocaleString(widget.lang);
    return node;
  }

  function place(node, id) {
    let before = null;
    for (const child of log.children) {
      if (child === node) continue;
      if (child.dataset.id ? Number(child.dataset.id) > id : child.classList.contains("pending")) { before = child; break; }
    }
    log.insertBefore(node, before);
  }

  // Follow new messages only when the shopper is reading the end, not scrolled back in history.
  const atEnd = () => log.scrollHeight - log.scrollTop - log.clientHeight < 80;

  function receive(message, live) {
    if (widget.seen.has(message.id)) return;
    widget.seen.set(message.id, message);
    const follow = message.from === "shopper" || atEnd();
    let node = message.client_id && widget.pending.get(message.client_id);
    if (node) {
      widget.pending.delete(message.client_id);
      node.classList.remove("pending", "waiting", "failed");
      node.querySelector(".meta").textContent = "";
      dequeue(message.client_id); // stored: never send it again
    } else node = bubble(message);
    node.dataset.id = message.id;
    place(node, message.id);
    if (live && message.from !== "shopper" && !isOpen()) countUnread();
    after(follow);
  }

  function showPending(item) {
    const node = bubble({ from: "shopper", text: item.title || item.text, client_id: item.cid });
    node.classList.add("pending");
    node.dataset.cid = item.cid;
    node.querySelector(".meta").textContent = t("sending");
    widget.pending.set(item.cid, node);
    log.append(node);
    after(true);
  }

  function mark(cid, how, text) {
    const node = widget.pending.get(cid);
    if (!node) return;
    node.classList.remove("waiting", "failed");
    if (how) node.classList.add(how);
    node.querySelector(".meta").textContent = text;
  }

  function after(scroll) {
    const stick = scroll || atEnd(); // before the suggested answers change the log's height
    const last = [...widget.seen.values()].reduce((a, b) => (!a || b.id > a.id ? b : a), null);
    const offer = last && last.from !== "shopper" && !log.querySelector(".pending")
      && (last.buttons || []).length ? String(last.id) : "";
    // Rebuilt only when the offer changes: a shopper tabbing through the buttons keeps the focus
    // when the same answer arrives a second time (from the websocket after the HTTP reply).
    if (replies.dataset.offer !== offer) {
      replies.dataset.offer = offer;
      replies.replaceChildren();
    }
    if (offer && !replies.childElementCount) {
      for (const button of last.buttons) {
        const chip = h("button", "chip", button.title);
        Object.assign(chip, { type: "button", dir: "auto" });
        chip.addEventListener("click", () => { send(button.payload, button.title); input.focus(); }); // the chips go
        replies.append(chip);
      }
    }
    showTyping();
    tidyOffers();
    mailControl();
    if (stick) log.scrollTop = log.scrollHeight;
  }

  // ---- "… is typing": the bot while a message is on its way, an agent when told so --------------
  function showTyping() {
    const name = widget.inFlight && conversationState() === "bot" ? t("bot_name") : widget.agentTyping;
    typing.hidden = !name;
    typing.textContent = name ? t("typing", { name }) : "";
  }

  function setInFlight(sending) {
    widget.inFlight = sending;
    after(false);
  }

  function agentIsTyping(name) {
    clearTimeout(widget.agentTypingTimer);
    widget.agentTyping = name || t("agent_name");
    widget.agentTypingTimer = setTimeout(() => { widget.agentTyping = null; showTyping(); }, 6000);
    showTyping();
  }

  function agentStoppedTyping() {
    clearTimeout(widget.agentTypingTimer);
    widget.agentTyping = null;
  }

  // ---- rating: stars after a conversation, then an optional comment -------------------------------
  function commentForm(score) {
    // After the stars: an optional comment, sent with the same score.
    const form = h("form", "comment");
    const label = h("label", "sr", t("rating_comment"));
    const box = h("textarea");
    Object.assign(box, { rows: 2, maxLength: 2000, placeholder: t("rating_comment") });
    box.id = label.htmlFor = `comment-${score}-${Date.now()}`;
    const button = h("button", "chip", t("rating_comment_send"));
    button.type = "submit";
    form.append(label, box, button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const comment = box.value.trim();
      if (!comment) return;
      const response = await call("POST", "/rating", { score, comment }).catch(() => null);
      if (response && response.ok) form.replaceWith(h("span", "meta", t("rating_comment_thanks")));
      else button.after(h("span", "meta", t("not_sent", { error: await why(response) })));
    });
    return form;
  }

  function rating(message) {
    const box = h("div", "stars");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", message.text);
    if (widget.saved.rated[message.id]) { box.textContent = t("rating_thanks"); return box; }
    for (let score = 1; score <= 5; score += 1) {
      const star = h("button", "star", "★");
      star.type = "button";
      star.setAttribute("aria-label", t("rate", { score }));
      star.addEventListener("click", async () => {
        const response = await call("POST", "/rating", { score }).catch(() => null);
        if (response && response.ok) {
          widget.saved.rated[message.id] = score;
          persist();
          box.textContent = t("rating_thanks");
          box.append(commentForm(score));
        } else box.lastChild.after(h("span", "meta", t("not_sent", { error: await why(response) })));
      });
      box.append(star);
    }
    return box;
  }

  // ---- the conversation by email: the header's control, or offered when it is resolved ---------
  const mailer = $("mailer"), mailAsk = $("mailer-ask"), mailInput = $("mailer-email"), mailResult = $("mailer-result");

  function offer() {
    const box = h("div", "offer");
    const button = h("button", "chip", t("transcript"));
    button.type = "button";
    button.addEventListener("click", () => mailTranscript(button));
    box.append(h("p", "", t("transcript_offer")), button);
    return box;
  }

  /** Only the newest resolution offers it (`all`: none, once it was sent). */
  function tidyOffers(all) {
    const offers = [...log.querySelectorAll(".offer")];
    for (const node of all ? offers : offers.slice(0, -1)) node.remove();
  }

  function showMailer(open, opener) {
    mailer.classList.toggle("open", open);
    $("mail").setAttribute("aria-expanded", String(open));
    if (open) { widget.mailOpener = opener; return; }
    mailAsk.hidden = $("mailer-other").hidden = true;
    told("");
  }

  function told(text, how = "") {
    mailResult.textContent = text;
    mailResult.className = `mresult ${how}`;
  }

  function askAddress(text, wrong) {
    mailAsk.hidden = false;
    $("mailer-other").hidden = true;
    told(text, wrong ? "bad" : "");
    if (wrong) mailInput.setAttribute("aria-invalid", "true"); else mailInput.removeAttribute("aria-invalid");
    mailInput.focus();
  }

  /** POST .../transcript: to the address the shop knows, or to `email`; then says what happened. */
  async function mailTranscript(opener, email) {
    if (widget.mailing || !widget.saved.session) return;
    showMailer(true, opener || widget.mailOpener);
    if (email !== undefined && !email.trim()) { askAddress(t("transcript_bad_email"), true); return; }
    widget.mailing = true;
    mailer.setAttribute("aria-busy", "true");
    told(t("transcript_sending"));
    let response = null;
    try { response = await call("POST", "/transcript", email === undefined ? undefined : { email }); } catch { /* offline */ }
    widget.mailing = false;
    mailer.removeAttribute("aria-busy");
    if (!response || response.status >= 500) { told(t("transcript_failed"), "bad"); return; }
    if (response.status === 202) { mailed(await response.json()); return; }
    const code = await response.json().then((body) => body.code, () => "");
    if (code === "email_needed") askAddress(t("transcript_ask"));
    else if (code === "email_unsubscribed") askAddress(t("transcript_unsubscribed"), true);
    else if (response.status === 400) askAddress(t("transcript_bad_email"), true);
    else if (response.status === 429) told(t("transcript_limit", { when: soon(response.headers.get("Retry-After")) }), "bad");
    else if (code === "transcript_off") { widget.transcriptOn = false; tidyOffers(true); mailControl(); told(t("transcript_off"), "bad"); }
    else {
      told(t("transcript_failed"), "bad");
      if (response.status === 401 || response.status === 404) catchUp(); // the session is gone
    }
  }

  function mailed(body) {
    const here = root.activeElement; // in the field, or on an offer: both go
    const focused = here && (mailer.contains(here) || here.closest(".offer"));
    receive(body.notice, false);
    widget.saved.mailedUpTo = Math.max(0, ...widget.seen.keys());
    persist();
    tidyOffers(true);
    mailAsk.hidden = true;
    mailInput.value = "";
    mailInput.removeAttribute("aria-invalid");
    told(t("transcript_sent", { email: body.email }), "ok");
    $("mailer-other").hidden = false;
    if (focused) $("mailer-other").focus(); // the field it was in is gone
  }

  /** "in 23 hours", in the language the texts are in; from a Retry-After in seconds. */
  function soon(header) {
    const s = Math.max(1, parseInt(header, 10) || 60);
    const [n, unit] = s < 90 ? [s, "second"] : s < 5400 ? [Math.ceil(s / 60), "minute"] : [Math.ceil(s / 3600), "hour"];
    try { return new Intl.RelativeTimeFormat(panel.lang || "en").format(n, unit); } catch { return `${n} ${unit}s`; }
  }

  function closeMailer() {
    const back = widget.mailOpener && widget.mailOpener.isConnected ? widget.mailOpener : input;
    showMailer(false);
    (back.hidden ? input : back).focus();
  }

  const mailControl = () => { $("mail").hidden = !(widget.transcriptOn && widget.saved.session && widget.seen.size); };

  // ---- the conversation state --------------------------------------------------------------------
  /** The conversation's state; a state older than the newest one heard of (its version counts
   *  every change) is ignored, so a slow answer never shows a stale status. */
  function setState(next, agent, version) {
    const saved = widget.saved;
    if (typeof version === "number") {
      if (version < (saved.stateVersion ?? -1)) return;
      saved.stateVersion = version;
    }
    if (next) saved.state = next;
    if (agent !== undefined) saved.agent = agent;
    persist();
    const status = {
      queued: t("status_queued"), resolved: t("status_resolved"),
      with_agent: t("status_with_agent", { name: saved.agent || t("agent_name") }),
    }[conversationState()] || t("status_bot");
    $("status").textContent = status;
    after(false);
  }

  // ---- sending: an outbox in localStorage, delivered in order, each with its client id ----------
  function send(text, title) {
    text = text.trim();
    if (!text) return;
    const item = { cid: uuid(), text, title: title || null };
    widget.saved.outbox.push(item);
    if (title) widget.saved.titles[item.cid] = title;
    persist();
    showPending(item);
    flush();
  }

  function dequeue(cid) {
    widget.saved.outbox = widget.saved.outbox.filter((item) => item.cid !== cid);
    persist();
  }

  /** Sends the outbox, oldest first, until it is empty or a message has to wait. */
  async function flush() {
    if (widget.flushing) return;
    const held = heldFor();
    if (held > 0) { scheduleFlush(held); return; }
    widget.flushing = true;
    clearTimeout(widget.flushTimer);
    try {
      while (widget.saved.outbox.length) if (!(await deliver(widget.saved.outbox[0]))) return;
      banner.hidden = true;
    } finally {
      widget.flushing = false;
    }
  }

  function scheduleFlush(delay) {
    clearTimeout(widget.flushTimer);
    widget.flushTimer = setTimeout(flush, delay);
  }

  function holdSending(ms) {
    widget.holdUntil = Date.now() + ms;
    scheduleFlush(ms);
  }

  const heldFor = () => Math.max(0, widget.holdUntil - Date.now());

  async function deliver(item) {
    const waiting = () => { mark(item.cid, "waiting", t("waiting_to_send")); scheduleFlush(reconnectDelay(widget.reconnectAttempt)); return false; };
    if (!(await ensureSession())) return waiting();
    mark(item.cid, "", t("sending"));
    setInFlight(true);
    let response;
    try {
      response = await call("POST", "/messages", { text: item.text, client_id: item.cid });
    } catch {
      return waiting();
    } finally {
      setInFlight(false);
    }
    if (response.ok) {
      const body = await response.json();
      dequeue(item.cid);
      // Stored: the replies name its id, so it takes its place before them at once.
      const id = body.messages.length ? body.messages[0].reply_to : null;
      if (id && !widget.seen.has(id)) receive({ id, from: "shopper", text: item.text, client_id: item.cid, buttons: [] }, false);
      else if (widget.pending.has(item.cid)) { mark(item.cid, "", ""); widget.pending.get(item.cid).classList.remove("pending"); }
      body.messages.forEach((message) => receive(message, false));
      setState(body.state, undefined, body.state_version);
      return true;
    }
    if (response.status === 429) return limited(response, item);
    if (response.status === 401 || response.status === 404) { forget(); return true; } // a new session takes it
    if (response.status >= 500) return waiting();
    mark(item.cid, "failed", t("not_sent", { error: await why(response) }));
    widget.pending.delete(item.cid);
    dequeue(item.cid); // refused as written (too long, say): sending it again cannot help
    return true;
  }

  function limited(response, item) {
    const seconds = Math.min(3600, Math.max(1, parseInt(response.headers.get("Retry-After"), 10) || 10));
    banner.textContent = t("rate_limited", { seconds });
    banner.hidden = false;
    if (item) mark(item.cid, "waiting", "");
    holdSending(seconds * 1000);
    return false;
  }

  async function why(response) {
    if (!response) return t("reconnecting");
    try { return (await response.json()).error || response.statusText; } catch { return response.statusText; }
  }

  function call(method, path, body) {
    const session = widget.saved.session;
    return fetch(`${API}/api/chat/sessions/${encodeURIComponent(session.id)}${path}`, {
      method,
      headers: { Authorization: `Bearer ${session.token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  function ensureSession() {
    if (widget.saved.session) return Promise.resolve(true);
    widget.opening = widget.opening || (async () => {
      try {
        const response = await fetch(`${API}/api/chat/sessions`, {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ locale: widget.lang, ...(identity ? { identity } : {}) }),
        });
        if (response.status === 429) return limited(response);
        if (response.status !== 201) return false;
        const body = await response.json();
        widget.saved.session = { id: body.session_id, token: body.token, who, identified: body.identified };
        widget.saved.cursor = 0;
        persist();
        intro();
        connect();
        return true;
      } catch {
        return false;
      } finally {
        widget.opening = null;
      }
    })();
    return widget.opening;
  }

  /** The service no longer knows this session (or the shopper wants a new one): start afresh. */
  function forget() {
    closeSocket();
    widget.saved = { ...freshSaved(widget.saved), outbox: widget.saved.outbox };
    persist();
    widget.seen.clear();
    for (const node of [...log.children]) if (node.id !== "intro" && !node.classList.contains("pending")) node.remove();
    showMailer(false);
    setState("bot", null);
  }

  // ---- reconnecting: the rule shared with the agent workspace (widget_api.py puts it here) -------
  /* shared/reconnect.js */

  // ---- live updates, and catching up on whatever the socket missed ------------------------------
  function connect() {
    if (!widget.saved.session || widget.socket) return;
    clearTimeout(widget.reconnectTimer);
    const url = new URL(`${API}/api/chat/sessions/${encodeURIComponent(widget.saved.session.id)}/ws`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = (widget.socket = new WebSocket(url));
    widget.synced = false;
    // The token goes in the first frame, never in the URL (URLs end up in logs).
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token: widget.saved.session.token }));
    ws.onmessage = (event) => {
      let data;
      try { data = JSON.parse(event.data); } catch { return; }
      if (data.type === "ready") { widget.reconnectAttempt = 0; catchUp(); } // listening: fetch what came before
      else if (data.type === "message" && data.message) {
        if (data.message.from === "agent") agentStoppedTyping();
        receive(data.message, true);
        if (widget.synced) advance(data.message.id);
      } else if (data.type === "state") setState(data.state, data.agent === undefined ? undefined : data.agent, data.state_version);
      else if (data.type === "typing" && data.from === "agent") agentIsTyping(data.author);
    };
    ws.onclose = (event) => {
      if (widget.socket !== ws) return; // closed on purpose (forget)
      widget.socket = null;
      widget.synced = false;
      if (!widget.saved.session) return;
      if (event.code === 4401 || event.code === 4404) { catchUp(); return; } // it starts afresh
      banner.textContent = t("reconnecting");
      banner.hidden = false;
      scheduleReconnect(event.code);
    };
  }

  function scheduleReconnect(closeCode) {
    widget.reconnectAttempt = nextReconnectAttempt(widget.reconnectAttempt, closeCode);
    widget.reconnectTimer = setTimeout(connect, reconnectDelay(widget.reconnectAttempt));
  }

  function closeSocket() {
    const old = widget.socket;
    widget.socket = null; // first, so that its onclose does not reconnect
    if (old) old.close();
  }

  function advance(id) {
    if (id > widget.saved.cursor) { widget.saved.cursor = id; persist(); }
  }

  async function catchUp() {
    const since = widget.seen.size ? widget.saved.cursor : 0; // a fresh page shows the whole conversation
    let response;
    try { response = await call("GET", `/messages?after=${since}`); } catch { return; }
    if (response.status === 401 || response.status === 404) { forget(); return; }
    if (!response.ok) return;
    const body = await response.json();
    for (const message of body.messages) receive(message, message.id > widget.saved.cursor);
    advance(Math.max(widget.saved.cursor, ...widget.seen.keys()));
    widget.synced = true;
    if (banner.textContent === t("reconnecting")) banner.hidden = true;
    setState(body.state, undefined, body.state_version);
    flush();
  }

  // Back online, or back on the tab: try now, not at the back-off's next turn.
  function wake() {
    if (widget.saved.session && !widget.socket) { widget.reconnectAttempt = 0; connect(); }
    if (widget.saved.outbox.length) flush();
  }
  addEventListener("online", wake);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) wake(); });

  // ---- open, close, unread, language --------------------------------------------------------------
  const isOpen = () => !panel.hidden;
  function badge() {
    const count = widget.saved.unread;
    $("badge").hidden = !count || isOpen();
    $("badge").textContent = count > 9 ? "9+" : String(count);
    const label = isOpen() ? t("close") : t("open");
    launcher.setAttribute("aria-label", count && !isOpen() ? `${label}. ${t("unread", { count })}` : label);
  }

  function countUnread() {
    widget.saved.unread += 1;
    persist();
    badge();
  }

  function toggle(open, focus = true) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    host.classList.toggle("open", open);
    root.querySelector(".w").classList.toggle("open", open);
    widget.saved.open = open;
    if (open) widget.saved.unread = 0;
    persist();
    badge();
    if (open) {
      log.scrollTop = log.scrollHeight;
      if (focus) input.focus();
    } else if (focus) launcher.focus();
  }

  function intro() {
    const node = $("intro");
    node.replaceChildren(h("p", "", t("welcome")));
    if (identity) node.append(h("p", "", t("identified")));
    for (const p of node.children) p.dir = "auto";
  }

  function apply(answer) {
    widget.strings = answer.strings;
    widget.lang = answer.lang;
    widget.transcriptOn = answer.transcript_by_email !== false;
    const lang = answer.lang;
    const w = root.querySelector(".w");
    // The panel reads in the shopper's direction; the corner it sits in is physical (data-position).
    panel.dir = answer.dir;
    panel.lang = answer.strings_lang;
    w.dataset.position = opts.position || (answer.dir === "rtl" ? "left" : "right");
    $("title").textContent = opts.title || t("title");
    $("input-label").textContent = t("input_label");
    input.placeholder = t("input_placeholder");
    $("send").setAttribute("aria-label", t("send"));
    $("close").setAttribute("aria-label", t("close"));
    $("new").setAttribute("aria-label", t("new_conversation"));
    $("new").title = t("new_conversation");
    for (const [id, key] of [["mail", "transcript"], ["mailer-close", "transcript_close"]]) {
      $(id).setAttribute("aria-label", t(key));
      $(id).title = t(key);
    }
    $("mailer-title").textContent = t("transcript");
    $("mailer-label").textContent = t("transcript_email");
    $("mailer-send").textContent = t("transcript_send");
    $("mailer-other").textContent = t("transcript_other");
    for (const node of log.querySelectorAll(".offer")) node.replaceWith(offer());
    $("lang").setAttribute("aria-label", t("language"));
    log.setAttribute("aria-label", t("messages"));
    replies.setAttribute("aria-label", t("quick_replies"));
    const choices = answer.languages.some((l) => l.code === lang) ? answer.languages
      : [...answer.languages, { code: lang, name: lang.toUpperCase() }];
    $("lang").replaceChildren(...choices.map((l) => Object.assign(h("option", "", l.name), { value: l.code })));
    $("lang").value = lang;
    for (const label of root.querySelectorAll(".who[data-role]")) {
      label.textContent = { bot: t("bot_name"), shopper: t("you"), agent: t("agent_name") }[label.dataset.role] || label.textContent;
    }
    intro();
    setState(null);
    badge();
  }

  // ---- wiring --------------------------------------------------------------------------------------
  launcher.addEventListener("click", () => toggle(!isOpen()));
  $("close").addEventListener("click", () => toggle(false));
  panel.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (mailer.contains(root.activeElement)) closeMailer(); else toggle(false);
  });
  $("mail").addEventListener("click", () => (mailer.classList.contains("open") ? closeMailer() : mailTranscript($("mail"))));
  $("mailer-close").addEventListener("click", closeMailer);
  $("mailer-other").addEventListener("click", () => askAddress(t("transcript_ask")));
  mailAsk.addEventListener("submit", (event) => { event.preventDefault(); mailTranscript(null, mailInput.value); });
  $("new").addEventListener("click", () => {
    widget.saved.outbox = [];
    for (const node of widget.pending.values()) node.remove();
    widget.pending.clear();
    forget();
    input.focus();
  });
  $("lang").addEventListener("change", async (event) => {
    widget.saved.lang = event.target.value;
    persist();
    const answer = await loadStrings(widget.saved.lang);
    // The bot and the agents answer in the picked language too (a new chat starts in it anyway);
    // told before the panel changes, so that what the shopper sends next is answered in it.
    if (widget.saved.session) await call("POST", "/language", { locale: answer.lang }).catch(() => {});
    apply(answer);
  });
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    send(input.value);
    input.value = "";
    grow();
  });
  const grow = () => { input.style.height = "auto"; input.style.height = `${Math.min(input.scrollHeight, 120)}px`; };
  input.addEventListener("input", grow);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });

  async function start() {
    let answer;
    // The helpdesk may be down while the shop is up: keep asking, backing off.
    for (let attempt = 1; !answer; attempt += 1) {
      try { answer = await loadStrings(wanted()); } catch { await new Promise((r) => setTimeout(r, reconnectDelay(attempt))); }
    }
    apply(answer);
    for (const item of widget.saved.outbox) showPending(item); // typed before a reload, not yet stored
    (document.body || document.documentElement).append(host);
    toggle(Boolean(widget.saved.open), false);
    if (widget.saved.session) connect();
    else if (widget.saved.outbox.length) flush();
  }

  window.ShopSupport = { open: () => toggle(true), close: () => toggle(false) };
  start();

  function CSS_SUPPORTS(value) { return typeof CSS !== "undefined" && CSS.supports("color", value); }

  function CSS() {
    return `:host{all:initial;--accent:#1f3a5f;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f3f5f8;
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic","Noto Sans Hebrew",sans-serif;color:var(--fg)}
*{box-sizing:border-box}
.w{position:fixed;bottom:20px;right:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px}
.w[data-position=left]{right:auto;left:20px;align-items:flex-start}
.launcher{position:relative;width:60px;height:60px;border-radius:50%;border:0;background:var(--accent);color:#fff;cursor:pointer;
box-shadow:0 6px 20px rgba(0,0,0,.25);display:grid;place-items:center}
.launcher svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-4px;inset-inline-end:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#c4142b;
color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center;border:2px solid #fff}
.panel{width:380px;height:min(620px,calc(100vh - 120px));background:var(--bg);border-radius:16px;overflow:hidden;display:flex;
flex-direction:column;box-shadow:0 12px 40px rgba(0,0,0,.25);border:1px solid var(--line)}
.panel[hidden]{display:none}
header{display:flex;align-items:center;gap:6px;padding:14px 12px 14px 18px;background:var(--accent);color:#fff}
.head{flex:1;min-width:0}
h2{margin:0;font-size:17px;font-weight:650}
.status{margin:2px 0 0;font-size:13px;opacity:.92}
.icon{width:36px;height:36px;border-radius:8px;border:0;background:transparent;color:#fff;cursor:pointer;display:grid;place-items:center}
.icon:hover{background:rgba(255,255,255,.15)}
.icon svg{width:20px;height:20px;fill:currentColor}
.lang{max-width:104px;height:32px;border-radius:8px;border:1px solid rgba(255,255,255,.6);background:transparent;color:#fff;font:inherit;font-size:13px}
.lang option{color:#1b1f24}
.banner{margin:0;padding:8px 14px;background:#fff4ce;color:#5c4400;font-size:13px;border-bottom:1px solid #e8d48b}
.log{flex:1;overflow-y:auto;padding:16px 14px;display:flex;flex-direction:column;gap:10px;background:var(--soft);overscroll-behavior:contain}
.intro p{margin:0 0 6px;color:var(--muted);font-size:14px}
.msg{max-width:85%;display:flex;flex-direction:column;gap:2px;align-self:flex-start}
.msg.shopper{align-self:flex-end;align-items:flex-end}
.who{font-size:12px;color:var(--muted);padding:0 4px}
.text{padding:9px 13px;border-radius:16px;background:var(--bg);border:1px solid var(--line);white-space:pre-wrap;overflow-wrap:anywhere}
.msg.agent .text{border-color:#9ab6d8;background:#eef4fb}
.msg.shopper .text{background:var(--accent);border-color:var(--accent);color:#fff}
.msg.shopper a{color:#fff}
a{color:#0b57d0}
.meta{font-size:12px;color:var(--muted);padding:0 4px}
.meta:empty{display:none}
.pending .text{opacity:.75}
.failed .meta{color:#b3261e}
.notice{align-self:center;text-align:center;font-size:13px;color:var(--muted);max-width:90%;white-space:pre-wrap}
.notice .meta:empty{display:none}
.stars{display:flex;flex-wrap:wrap;gap:4px;padding:4px 2px}
.comment{display:flex;gap:6px;width:100%;margin-top:6px}
.comment textarea{flex:1;font:inherit;border:1px solid var(--line);border-radius:8px;padding:6px}
.star{font-size:24px;line-height:1;width:40px;height:40px;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:#8a5a00;cursor:pointer}
.star:hover,.star:focus-visible{background:#fff4ce}
.mailer{display:none;flex-direction:column;gap:6px;padding:8px 12px 10px;border-top:1px solid var(--line);background:var(--bg);font-size:14px}
.mailer.open{display:flex}
.mhead{display:flex;align-items:center;gap:8px}
h3{flex:1;margin:0;font-size:14px;font-weight:650}
.x{width:32px;height:32px;border:0;border-radius:8px;background:transparent;color:var(--muted);font:inherit;cursor:pointer}
.mresult{margin:0}
.mresult.ok{color:#116329}
.mresult.bad{color:#b3261e}
#mailer-ask{display:flex;flex-direction:column;gap:4px}
#mailer-ask[hidden],.chip[hidden],.icon[hidden]{display:none}
.mrow{display:flex;gap:6px}
.mrow input{flex:1;min-width:0;font:inherit;font-size:16px;border:1px solid var(--line);border-radius:10px;padding:7px 10px}
.mrow input[aria-invalid=true]{border-color:#b3261e}
.offer{display:flex;flex-direction:column;align-items:flex-start;gap:6px;margin-top:8px}
.offer p{margin:0;font-size:14px}
.typing{margin:0;padding:4px 16px;font-size:13px;color:var(--muted);background:var(--soft)}
.replies{display:flex;flex-wrap:wrap;gap:6px;padding:0 12px;background:var(--soft)}
.replies:not(:empty){padding:4px 12px 10px}
.chip{border:1px solid var(--accent);color:var(--accent);background:var(--bg);border-radius:16px;padding:6px 12px;font:inherit;font-size:14px;cursor:pointer}
.chip:hover{background:#e9eef5}
.composer{display:flex;align-items:flex-end;gap:8px;padding:10px 12px;border-top:1px solid var(--line);background:var(--bg)}
textarea{flex:1;resize:none;border:1px solid var(--line);border-radius:12px;padding:9px 12px;font:inherit;font-size:16px;color:var(--fg);max-height:120px}
.send{width:42px;height:42px;border-radius:50%;border:0;background:var(--accent);color:#fff;cursor:pointer;display:grid;place-items:center}
.send svg{width:20px;height:20px;fill:currentColor}
[dir=rtl] .send svg{transform:scaleX(-1)}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
header :focus-visible{outline-color:#fff}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:520px){.w.open{inset:0;gap:0}.w.open .panel{width:100vw;height:100vh;height:100dvh;border-radius:0;border:0}
.w.open .launcher{display:none}}
@media (prefers-reduced-motion:no-preference){.launcher{transition:transform .15s}.launcher:hover{transform:scale(1.06)}}`;
  }
})();
