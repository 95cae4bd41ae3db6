"""The page behind the CSAT email's link: GET shows 1 to 5 and a comment box in the conversation's
language (a plain form, no script); POST records the rating through the chat's own Chat.rate,
where the widget's rating lands. The signed token is the only proof. A bad, expired or used link
and a bad rating are a small page for a person in a browser and JSON for everything else."""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qsl

from aiohttp import web
from pydantic import ValidationError

from helpdesk.chat.api import CHAT
from helpdesk.chat.models import MAX_TEXT_LENGTH, Conversation, RatingCreate
from helpdesk.chat.service import AlreadyRated
from helpdesk.database import DB
from helpdesk.errors import BadRequest, ConversationNotFound, HelpdeskError
from helpdesk.followups import rating_link
from helpdesk.languages.locales import FALLBACK_LANGUAGE, Locales
from helpdesk.mail.unsubscribe_api import browser_language, html_page, wants_html
from helpdesk.web.keys import CLOCK, LOCALES, SETTINGS
from helpdesk.web.middleware import check_plain_json, loads_plain, read_body

routes = web.RouteTableDef()
SCORES = range(1, 6)


class BadRating(BadRequest):
    code = "bad_rating"


def _link(request: web.Request) -> rating_link.RatingLink:
    secret, now = request.app[SETTINGS].unsubscribe_secret, request.app[CLOCK].now()
    return rating_link.verify(secret, request.query.get("t", ""), now=now)


def _language(locales: Locales, lang: str) -> str:
    return lang if lang in locales.texts else FALLBACK_LANGUAGE


def _said(locales: Locales, key: str, lang: str) -> str:
    return escape(locales.render(key, lang).text)


def _refused(request: web.Request, error: HelpdeskError, lang: str | None) -> web.Response:
    """The error as a page in the link's language (the browser's when the link says none)."""
    locales = request.app[LOCALES]
    lang = lang or getattr(error, "lang", None)
    lang = _language(locales, lang) if lang else browser_language(request, locales)
    key = {
        rating_link.ExpiredRatingLink.code: "rate_link_expired",
        AlreadyRated.code: "rate_link_used",
    }.get(error.code, "rate_link_bad")
    page = f'<p role="alert">{_said(locales, key, lang)}</p>'
    if isinstance(error, BadRating):  # the link is good: say what was wrong, and ask again
        page = f'<p role="alert">{_said(locales, "rate_choose", lang)}</p>{_form(request, lang)}'

    return html_page(lang, _said(locales, "rate_title", lang), page, status=error.status)


def _form(request: web.Request, lang: str) -> str:
    locales = request.app[LOCALES]
    action = escape(f"{rating_link.RATE_PATH}?t={request.query.get('t', '')}", quote=True)
    choices = "".join(
        f'<label style="margin-right:1rem"><input type="radio" name="score" value="{n}" '
        f"required> {n}</label>"
        for n in SCORES
    )
    return (
        f"<p>{_said(locales, 'rate_question', lang)}</p>"
        f'<form method="post" action="{action}"><fieldset style="border:0;padding:0">'
        f"<legend>{_said(locales, 'rate_title', lang)}</legend>{choices}</fieldset>"
        f'<p><label for="comment">{_said(locales, "widget_rating_comment", lang)}</label><br>'
        f'<textarea id="comment" name="comment" rows="4" cols="40" '
        f'maxlength="{MAX_TEXT_LENGTH}"></textarea></p>'
        f'<button type="submit">{_said(locales, "rate_submit", lang)}</button></form>'
    )


async def _unrated(request: web.Request, link: rating_link.RatingLink) -> Conversation:
    async with request.app[DB].session() as session:
        conversation = await session.get(Conversation, link.conversation_id)
    if conversation is None:
        raise ConversationNotFound("this rating link is not valid: the conversation is gone")
    if conversation.rating is not None:
        raise AlreadyRated("this conversation was rated already; thank you")
    return conversation


async def _rating(request: web.Request) -> RatingCreate:
    """The score and comment of a form (the page) or of a JSON object (API callers)."""
    raw = await read_body(request)
    try:
        body = _json(raw) if request.content_type == "application/json" else _form_fields(raw)
    except BadRating:
        raise
    except BadRequest as error:  # the JSON or the text in it: say so, not "bad link"
        raise BadRating(error.message) from None
    if isinstance(body.get("comment"), str):
        body["comment"] = body["comment"].strip() or None
    try:
        return RatingCreate.model_validate(body)
    except ValidationError:
        raise BadRating(
            f"choose a rating from 1 to 5; a comment may have up to {MAX_TEXT_LENGTH} characters"
        ) from None


def _json(raw: bytes) -> dict:
    body = loads_plain(raw)
    if not isinstance(body, dict):
        raise BadRating('the body must be a JSON object: {"score": 1 to 5, "comment": "..."}')
    return body


def _form_fields(raw: bytes) -> dict:
    """The page's form; percent-escapes must make UTF-8 (an encoded surrogate does not)."""
    try:
        body: dict = dict(parse_qsl(raw.decode("ascii"), encoding="utf-8", errors="strict"))
    except UnicodeError:
        raise BadRating("the form is not valid UTF-8") from None
    check_plain_json(body)  # NUL characters refused: no database stores them
    score = body.get("score", "")
    body["score"] = int(score) if score.isascii() and score.isdigit() and len(score) < 3 else 0
    return body


@routes.get(rating_link.RATE_PATH)
async def rating_form(request: web.Request) -> web.Response:
    """The form; nothing changes by opening it (mail scanners open links)."""
    link = None
    try:
        link = _link(request)
        await _unrated(request, link)
    except HelpdeskError as error:
        if wants_html(request):
            return _refused(request, error, link.lang if link else None)
        raise
    lang = _language(request.app[LOCALES], link.lang)
    title = _said(request.app[LOCALES], "rate_title", lang)
    return html_page(lang, title, _form(request, lang))


@routes.post(rating_link.RATE_PATH)
async def submit_rating(request: web.Request) -> web.Response:
    link = None
    try:
        link = _link(request)
        rating = await _rating(request)
        conversation = await _unrated(request, link)
        await request.app[CHAT].rate(conversation.id, rating.score, rating.comment, once=True)
    except HelpdeskError as error:
        if wants_html(request):
            return _refused(request, error, link.lang if link else None)
        raise
    if not wants_html(request):
        return web.json_response({"score": rating.score, "comment": rating.comment})
    locales = request.app[LOCALES]
    lang = _language(locales, link.lang)
    said = f'<p role="status">{_said(locales, "rate_done", lang)}</p>'
    return html_page(lang, _said(locales, "rate_title", lang), said)
