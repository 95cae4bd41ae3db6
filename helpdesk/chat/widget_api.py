"""The shopper's chat widget: its script, its texts from locales/, and the demo shop that embeds it."""

from __future__ import annotations

import hashlib
import html
import json
import mimetypes
import re
import textwrap
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from aiohttp import web
from babel import Locale, UnknownLocaleError

from helpdesk.errors import BadRequest, NotFound
from helpdesk.followups.transcript import TRANSCRIPT
from helpdesk.languages.tags import base_language
from helpdesk.orders.demo import CUSTOMERS
from helpdesk.orders.verification import identity_signature
from helpdesk.policies import engagement
from helpdesk.policies.store import PoliciesUnavailable
from helpdesk.policies.watch import POLICIES
from helpdesk.web.keys import CLOCK, LOCALES, SETTINGS

routes = web.RouteTableDef()
STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGET = STATIC / "widget" / "widget.js"
# The websocket reconnect rule the agent workspace imports as an ES module; inlined into /widget.js.
RECONNECT_RULE = STATIC / "shared" / "reconnect.js"
RULE_GOES_HERE = "/* shared/reconnect.js */"  # the one line of widget.js the rule replaces
EXPORTED = re.compile(r"^export (?=const |function |async function )", re.MULTILINE)
DEMO = STATIC / "demo"
PREFIX = "widget_"
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
MAX_TAG_LENGTH = 35  # BCP 47's longest useful tags
DEMO_IDENTITY_LIFETIME = timedelta(hours=12)
# Not versioned in its URL (shops paste one tag once), so caches revalidate every few minutes.
CACHE = "public, max-age=300, must-revalidate"


@lru_cache(maxsize=32)
def _file(path: Path, _mtime_ns: int) -> tuple[bytes, str]:
    """A file's bytes and its ETag; keyed on the modification time so an edit is served at once."""
    body = path.read_bytes()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _cached(request: web.Request, body: bytes, etag: str, content_type: str) -> web.Response:
    headers = {"ETag": etag, "Cache-Control": CACHE, "X-Content-Type-Options": "nosniff"}
    if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        return web.Response(status=304, headers=headers)
    response = web.Response(body=body, content_type=content_type, charset="utf-8", headers=headers)
    response.enable_compression()  # deflate/gzip when accepted: 27 KB -> 9 KB
    return response


def _static(request: web.Request, path: Path) -> web.Response:
    body, etag = _file(path, path.stat().st_mtime_ns)
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return _cached(request, body, etag, content_type)


# Why composed here: the widget is one classic script on the shop's origin, so it does not import
# the ES module the workspace uses (a module from our origin would need CORS headers, one more
# request, and the shop's CSP to allow it), and a second copy of the rule would drift. Dropping
# `export ` and pasting the module in is the whole "build": no toolchain, the workspace and the
# shopper run the same lines, and the result is cached by both files' modification times, like
# _file, so an edit to either is served at once.
def composed_widget() -> tuple[bytes, str]:
    """/widget.js as served, the widget with the shared reconnect rule inlined, and its ETag."""
    return _compose_widget(WIDGET.stat().st_mtime_ns, RECONNECT_RULE.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _compose_widget(_widget_mtime_ns: int, _rule_mtime_ns: int) -> tuple[bytes, str]:
    widget = WIDGET.read_text(encoding="utf-8")
    rule = EXPORTED.sub("", RECONNECT_RULE.read_text(encoding="utf-8"))
    # Fail loudly rather than ship a widget that breaks at its first reconnect.
    if widget.count(RULE_GOES_HERE) != 1:
        raise RuntimeError(
            f"{WIDGET} must say once where the reconnect rule goes: {RULE_GOES_HERE}"
        )
    if re.search(r"^\s*(import|export)\b", rule, re.MULTILINE):
        raise RuntimeError(f"{RECONNECT_RULE} may only hold `export const` and `export function`")
    body = widget.replace(RULE_GOES_HERE, textwrap.indent(rule, "  ").strip(), 1).encode()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


@routes.get("/widget.js")
async def widget_script(request: web.Request) -> web.Response:
    body, etag = composed_widget()
    return _cached(request, body, etag, "text/javascript")


@routes.get("/api/chat/strings")
async def widget_strings(request: web.Request) -> web.Response:
    """The widget's texts in a language (English where it has none), its direction, the choices,
    and whether the shop sends the conversation by email."""
    lang, direction = _language(request.query.get("lang", "en"))
    locales = request.app[LOCALES]
    # Raw texts: the widget fills {count}, {name}, {seconds} itself.
    texts = {
        key.removeprefix(PREFIX): locales.texts["en" if not locales.has(key, lang) else lang][key][
            "text"
        ]
        for key in locales.texts["en"]
        if key.startswith(PREFIX)
    }
    shop = request.app[SETTINGS].languages
    choices = [{"code": code, "name": _name(code)} for code in shop if code in locales.texts]
    found = lang if locales.has("widget_title", lang) else "en"
    answer = {
        "lang": lang,
        "strings_lang": found,
        "dir": direction,
        "strings": texts,
        "languages": choices,
        "transcript_by_email": _transcript_on(request),
    }
    body = json.dumps(answer).encode()  # what web.json_response would send
    return _cached(request, body, f'"{hashlib.sha256(body).hexdigest()[:32]}"', "application/json")


def _transcript_on(request: web.Request) -> bool:
    """Whether the widget offers the conversation by email (engagement.yml's `transcript`)."""
    try:
        policy = request.app[POLICIES].policies.engagement
    except PoliciesUnavailable:
        return False  # the endpoint would refuse it too
    return engagement.is_on(policy, TRANSCRIPT, "email")


def _language(tag: str) -> tuple[str, str]:
    """('pt', 'ltr') for 'pt-BR'; English's for a language nobody knows; a 400 for what is not
    a language tag at all."""
    if len(tag) > MAX_TAG_LENGTH or not LANGUAGE_TAG.match(tag):
        raise BadRequest(f"lang={tag[:20]!r} is not a language code: use one like en, es or pt-BR")
    code = base_language(tag)
    try:
        return code, Locale.parse(code).text_direction
    except (UnknownLocaleError, ValueError):
        return code, "ltr"  # texts in English (strings_lang says so), read left to right


def _name(code: str) -> str:
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        name = code
    return name[:1].upper() + name[1:]


@routes.get("/demo")
async def demo_shop(request: web.Request) -> web.Response:
    """The example shop's page. `?lang=es` is its Spanish version; `?customer=ana.garcia@example.com`
    shows it to that signed-in demo customer, with the identity signed as a shop's server would."""
    page = (DEMO / "index.html").read_text(encoding="utf-8")
    lang = request.query.get("lang", "en")
    if LANGUAGE_TAG.match(lang):
        page = page.replace('<html lang="en"', f'<html lang="{html.escape(lang)}"', 1)
    if identity := _demo_identity(request):
        email, expires, signature = identity
        page = page.replace(
            'data-shop="atelier-nord"',
            f'data-shop="atelier-nord" '
            f'data-identity-email="{html.escape(email)}" '
            f'data-identity-expires="{expires}" '
            f'data-identity-signature="{signature}"',
            1,
        )
        page = page.replace("<!--customer-->", f"Signed in as {html.escape(email)}", 1)
    return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-cache"})


def _demo_identity(request: web.Request) -> tuple[str, int, str] | None:
    """Only the example shop's own customers, and only in demo mode (`make run`): this signs
    anyone in on request, as a shop's server does for its logged-in customer."""
    settings = request.app[SETTINGS]
    email = request.query.get("customer", "").strip().lower()
    known = {customer[0] for customer in CUSTOMERS}
    if not settings.demo_mode or not settings.identity_secret or email not in known:
        return None
    expires = int((request.app[CLOCK].now() + DEMO_IDENTITY_LIFETIME).timestamp())
    return email, expires, identity_signature(settings.identity_secret, email, expires)


@routes.get("/demo/{asset}")
async def demo_asset(request: web.Request) -> web.Response:
    name = request.match_info["asset"]
    path = DEMO / name
    if name.startswith(".") or "/" in name or name == "index.html" or not path.is_file():
        raise NotFound(f"the demo shop has no file {name[:40]!r}")
    return _static(request, path)
