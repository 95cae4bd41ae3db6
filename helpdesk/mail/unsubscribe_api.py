"""The unsubscribe door of every email: GET shows a page in the shopper's language with one button
(and records that the link was opened); POST with List-Unsubscribe=One-Click (the mail client's
one click, RFC 8058, or that button) unsubscribes at once. The signed token is the only proof asked
for: no session, any origin. A bad or expired link is a small page for a person in a browser and
JSON for everything else."""

from __future__ import annotations

from html import escape

from aiohttp import web

from helpdesk.database import DB
from helpdesk.errors import BadRequest, HelpdeskError
from helpdesk.languages.locales import FALLBACK_LANGUAGE, Locales
from helpdesk.mail import records, tokens
from helpdesk.mail.addresses import normalise
from helpdesk.mail.models import MailEvent, MailRecord
from helpdesk.mail.service import UNSUBSCRIBE_PATH
from helpdesk.web.keys import CLOCK, LOCALES, SETTINGS
from helpdesk.web.middleware import read_body

routes = web.RouteTableDef()
ONE_CLICK = "List-Unsubscribe=One-Click"
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the token is in the address: never pass it on
    "X-Content-Type-Options": "nosniff",
}


class OneClickExpected(BadRequest):
    code = "one_click_expected"


def wants_html(request: web.Request) -> bool:
    """A browser (a person who clicked the link) rather than a mail client or an API caller."""
    accept = request.headers.get("Accept", "")
    html, json = accept.find("text/html"), accept.find("application/json")
    return html >= 0 and (json < 0 or html < json)


def browser_language(request: web.Request, locales: Locales) -> str:
    """The first language of Accept-Language the shop writes, else English (a bad link does not
    say whose it was)."""
    for part in request.headers.get("Accept-Language", "").split(","):
        lang = part.split(";")[0].strip().lower()[:2]
        if lang in locales.texts:
            return lang
    return FALLBACK_LANGUAGE


def html_page(lang: str, title: str, said: str, *, status: int = 200) -> web.Response:
    """A small page of its own (no script, nothing loaded): `said` is HTML already escaped."""
    body = (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:32rem;"
        "margin:3rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1rem}</style>"
        f"</head><body><main><h1>{title}</h1>{said}</main></body></html>"
    )
    return web.Response(
        text=body, status=status, content_type="text/html", charset="utf-8", headers=HEADERS
    )


def _refused(request: web.Request, error: HelpdeskError) -> web.Response:
    locales = request.app[LOCALES]
    lang = browser_language(request, locales)
    key = "unsubscribe_link_expired" if error.status == 410 else "unsubscribe_link_bad"
    title = escape(locales.render("unsubscribe_title", lang).text)
    said = f'<p role="alert">{escape(locales.render(key, lang).text)}</p>'
    return html_page(lang, title, said, status=error.status)


def _link_or_page(request: web.Request) -> tokens.Unsubscribe | web.Response:
    """The link's content; for a bad or expired link, the page that says so to a browser (anyone
    else gets the error, as JSON)."""
    token = request.query.get("t", "")
    try:
        return tokens.verify(
            request.app[SETTINGS].unsubscribe_secret, token, now=request.app[CLOCK].now()
        )
    except (tokens.BadToken, tokens.ExpiredToken) as error:
        if wants_html(request):
            return _refused(request, error)
        raise


def _page(request: web.Request, link: tokens.Unsubscribe, *, done: bool) -> web.Response:
    locales = request.app[LOCALES]
    lang = link.lang if link.lang in locales.texts else FALLBACK_LANGUAGE
    values = {"email": link.email}
    title = escape(locales.render("unsubscribe_title", lang).text)
    if done:
        said = (
            f'<p role="status">{escape(locales.render("unsubscribe_done", lang, values).text)}</p>'
        )
    else:
        question = escape(locales.render("unsubscribe_question", lang, values).text)
        button = escape(locales.render("unsubscribe_button", lang).text)
        action = escape(f"{UNSUBSCRIBE_PATH}?t={request.query.get('t', '')}", quote=True)
        said = (
            f"<p>{question}</p>"
            f'<form method="post" action="{action}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            f'<button type="submit">{button}</button></form>'
        )
    return html_page(lang, title, said)


@routes.get(UNSUBSCRIBE_PATH)
async def confirm(request: web.Request) -> web.Response:
    """The page behind the link in the email's footer: nothing changes until the button; the
    opening is recorded (for the insights: who thought of leaving, from which email)."""
    link = _link_or_page(request)
    if isinstance(link, web.Response):
        return link
    async with request.app[DB].session() as session:
        session.add(
            MailRecord(
                event=MailEvent.UNSUBSCRIBE_OPENED,
                at=request.app[CLOCK].now(),
                recipient=link.email.strip().lower(),  # as signed: what the email went to
                message_kind=link.kind,
                lang=link.lang,
            )
        )
        await session.commit()
    return _page(request, link, done=False)


@routes.post(UNSUBSCRIBE_PATH)
async def unsubscribe(request: web.Request) -> web.Response:
    link = _link_or_page(request)
    if isinstance(link, web.Response):
        return link
    body = (await read_body(request)).decode("utf-8", errors="replace")
    # RFC 8058 bodies are form-encoded or multipart; either way they carry these words.
    if "List-Unsubscribe" not in body or "One-Click" not in body:
        raise OneClickExpected(f"the body must be {ONE_CLICK} (RFC 8058)")
    async with request.app[DB].session() as session:
        await records.suppress(
            session, normalise(link.email), at=request.app[CLOCK].now(), kind=link.kind
        )
        await session.commit()
    return _page(request, link, done=True)
