"""Composing one of the shop's emails: subject and body from locales/ in the shopper's language, a
plain-text part and an HTML part (every text escaped, links made clickable), and the headers of
a one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from html import escape
from typing import Any

from helpdesk.languages.locales import Locales

# Links in a text, found after escaping (so "&amp;" is part of a link, "<" never is).
_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")
_PARAGRAPHS = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Letter:
    """What to write to whom: `kind` names the texts mail_<kind>_subject and mail_<kind>_body."""

    kind: str
    to: str
    lang: str
    variables: dict[str, Any] = field(default_factory=dict)


def subject_key(kind: str) -> str:
    return f"mail_{kind}_subject"


def body_key(kind: str) -> str:
    return f"mail_{kind}_body"


def message_id(sender: str, dedupe_key: str | None) -> str:
    """The same id for every try of one job: a mail client shows an email sent twice (a replica
    that died after sending, before recording) once."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "helpdesk.invalid"
    if dedupe_key is None:
        return make_msgid(domain=domain)
    return f"<{hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]}@{domain}>"


def _one_line(text: str) -> str:
    """Headers are one line: a line break in a text would start a header of its own."""
    return " ".join(text.split())


def _html_paragraph(text: str) -> str:
    escaped = escape(text.strip(), quote=True)
    linked = _LINK.sub(lambda link: f'<a href="{link.group(0)}">{link.group(0)}</a>', escaped)
    return "<p>" + linked.replace("\n", "<br>\n") + "</p>"


def compose(
    locales: Locales,
    letter: Letter,
    *,
    sender: str,
    unsubscribe_url: str,
    now: datetime,
    dedupe_key: str | None = None,
) -> EmailMessage:
    """The email, ready to send: the shopper's language where locales/ has the texts (English
    where not), both parts saying the same."""
    values = {**letter.variables, "unsubscribe_url": unsubscribe_url}
    subject = locales.render(subject_key(letter.kind), letter.lang, values)
    body = locales.render(body_key(letter.kind), letter.lang, values).text
    why = locales.render("mail_footer_why", subject.lang, values).text
    link = locales.render("mail_unsubscribe_link", subject.lang, values).text
    paragraphs = [part for part in _PARAGRAPHS.split(body) if part.strip()]

    text = "\n\n".join(part.strip() for part in paragraphs)
    text += f"\n\n-- \n{why}\n{link}: {unsubscribe_url}\n"
    html = "\n".join(
        [
            f'<!doctype html><html lang="{escape(subject.lang)}"><head><meta charset="utf-8">',
            f"<title>{escape(_one_line(subject.text))}</title></head><body>",
            *(_html_paragraph(part) for part in paragraphs),
            f'<hr><p style="font-size:small;color:#555">{escape(why)}<br>',
            f'<a href="{escape(unsubscribe_url, quote=True)}">{escape(link)}</a></p>',
            "</body></html>",
        ]
    )

    message = EmailMessage()
    message["Subject"] = _one_line(subject.text)
    message["From"] = sender
    message["To"] = Address(addr_spec=letter.to)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(sender, dedupe_key)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["X-Helpdesk-Message"] = letter.kind  # what the outbox page lists it as
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # After the parts: making them moves every Content-* header of the email into the first.
    message["Content-Language"] = subject.lang
    return message
