"""The insights dashboard (/agent/insights), for admins: its HTML, script and style. The page gets
its figures from the insights API, its charts as SVG from the chart API, and its texts from
/agent/strings, like the workspace it belongs to (and whose session it uses).

Without a session the page sends the agent to the workspace to log in; an agent who is no admin
gets a 403 page saying so, in their language."""

from __future__ import annotations

from html import escape
from pathlib import Path

from aiohttp import web

from helpdesk.agents.api import COOKIE, DESK
from helpdesk.agents.models import Role
from helpdesk.agents.workspace_page import CSS, HEADERS, JS, SHARED, STATIC, static_file
from helpdesk.errors import NotFound, Unauthorized
from helpdesk.languages.locales import FALLBACK_LANGUAGE
from helpdesk.web.keys import LOCALES

routes = web.RouteTableDef()
PAGE = STATIC.parent / "insights"
# Only these files are served; the page's modules import one another by these flat names.
ASSETS: dict[str, tuple[Path, str]] = {
    "base.css": (SHARED, CSS),  # the workspace's colours, type and buttons
    "insights.css": (PAGE, CSS),
    "insights.js": (PAGE, JS),  # the entry module, loaded by index.html
    "figures.js": (PAGE, JS),
    "behind.js": (PAGE, JS),
    "filters.js": (PAGE, JS),
    "format.js": (PAGE, JS),
    "data.js": (PAGE, JS),
    "elements.js": (STATIC, JS),  # the workspace's: text always as text nodes
}


@routes.get("/agent/insights")
async def page(request: web.Request) -> web.Response:
    try:
        agent, _ = await request.app[DESK].agent_for(request.cookies.get(COOKIE))
    except Unauthorized:
        raise web.HTTPSeeOther("/agent") from None  # log in there: admins find a link back
    if agent.role != Role.ADMIN:
        languages = agent.language_list
        return _admins_only(request, languages[0] if languages else None)
    return static_file("index.html", "text/html", "no-store", PAGE)


@routes.get("/agent/insights/static/{name}")
async def asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise NotFound(f"no insights file named {name[:40]!r}")
    folder, content_type = ASSETS[name]
    return static_file(name, content_type, "no-cache", folder)


def _admins_only(request: web.Request, lang: str | None) -> web.Response:
    locales = request.app[LOCALES]
    chosen = lang if lang in locales.texts else FALLBACK_LANGUAGE
    title = escape(locales.render("insights_title", chosen).text)
    said = escape(locales.render("insights_admins_only", chosen).text)
    back = escape(locales.render("insights_back", chosen).text)
    body = (
        f'<!doctype html><html lang="{chosen}"><head><meta charset="utf-8"><title>{title}</title>'
        '<link rel="stylesheet" href="/agent/insights/static/base.css">'
        '<link rel="stylesheet" href="/agent/insights/static/insights.css"></head>'
        f'<body><main class="refused"><h1>{title}</h1><p role="alert">{said}</p>'
        f'<p><a href="/agent">{back}</a></p></main></body></html>'
    )
    return web.Response(
        status=403,
        text=body,
        content_type="text/html",
        charset="utf-8",
        headers={**HEADERS, "Cache-Control": "no-store"},
    )
