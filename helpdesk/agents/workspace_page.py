"""The agent workspace page: its HTML, script and style, and its texts in the agent's language."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from helpdesk.errors import NotFound
from helpdesk.languages.locales import FALLBACK_LANGUAGE
from helpdesk.languages.tags import base_language
from helpdesk.web.keys import LOCALES

routes = web.RouteTableDef()
STATIC = Path(__file__).resolve().parent.parent / "static" / "workspace"
# The texts of the workspace and its insights page, and the few words naming what a shopper
# asked about (reasons, topics).
PREFIXES = ("workspace_", "insights_", "intent_")
SHARED = STATIC.parent / "shared"  # what other pages use too (reconnect.js, base.css)
JS, CSS = (
    "text/javascript",
    "text/css",
)  # module scripts must come as JavaScript, or browsers refuse them
# Only these files are served, each from its folder with its own type: nothing else under static/
# leaks out. The page's ES modules import one another by these flat names ("./api.js").
ASSETS = {
    "base.css": (SHARED, CSS),  # what the insights page's style shares with this one
    "workspace.css": (STATIC, CSS),
    "workspace.js": (STATIC, JS),  # the entry module, loaded by index.html
    "actions.js": (STATIC, JS),
    "api.js": (STATIC, JS),
    "arrivals.js": (STATIC, JS),
    "composer.js": (STATIC, JS),
    "context.js": (STATIC, JS),
    "conversation.js": (STATIC, JS),
    "elements.js": (STATIC, JS),
    "errors.js": (STATIC, JS),
    "keyboard.js": (STATIC, JS),
    "live.js": (STATIC, JS),
    "queue.js": (STATIC, JS),
    "session.js": (STATIC, JS),
    "state.js": (STATIC, JS),
    "texts.js": (STATIC, JS),
    "reconnect.js": (SHARED, JS),
}
# The page runs only its own script and style; it talks to its own origin (https and wss too).
POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "media-src 'none'",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def static_file(name: str, content_type: str, cache: str, folder: Path = STATIC) -> web.Response:
    body = (folder / name).read_bytes()  # read per request: an edit shows on reload
    return web.Response(
        body=body,
        content_type=content_type,
        charset="utf-8",
        headers={**HEADERS, "Cache-Control": cache},
    )


@routes.get("/agent")
async def page(_request: web.Request) -> web.Response:
    return static_file("index.html", "text/html", "no-store")


@routes.get("/agent/static/{name}")
async def asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise NotFound(f"no workspace file named {name[:40]!r}")
    folder, content_type = ASSETS[name]
    return static_file(name, content_type, "no-cache", folder)


@routes.get("/agent/strings")
async def strings(request: web.Request) -> web.Response:
    """The page's texts in `lang` ("pt-BR" reads as "pt"), English for any it lacks."""
    locales = request.app[LOCALES]
    lang = base_language(request.query.get("lang", FALLBACK_LANGUAGE))
    chosen = lang if lang in locales.texts else FALLBACK_LANGUAGE
    texts = {
        key: (locales.texts[chosen].get(key) or entry)["text"]
        for key, entry in locales.texts[FALLBACK_LANGUAGE].items()
        if key.startswith(PREFIXES)
    }
    return web.json_response(
        {"lang": chosen, "strings": texts}, headers={**HEADERS, "Cache-Control": "no-cache"}
    )
