"""The mail API and page, for admins: the outbox folder's emails (what would go out while no SMTP
server is set), one email's parts, and the page that lists them beside the dead jobs."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from helpdesk.agents.api import COOKIE, DESK
from helpdesk.agents.models import Role
from helpdesk.agents.workspace_page import CSS, JS, SHARED, STATIC, static_file
from helpdesk.errors import NotFound, Unauthorized
from helpdesk.mail import outbox
from helpdesk.mail.service import Mailer
from helpdesk.web.admins import AdminsOnly, admin_for
from helpdesk.web.keys import SETTINGS

routes = web.RouteTableDef()
MAILER = web.AppKey("mailer", Mailer)
PRIVATE = {"Cache-Control": "no-store"}  # shoppers' addresses: never cached
WHAT = "the shop's emails"
PAGE = STATIC.parent / "mail"
ASSETS: dict[str, tuple[Path, str]] = {
    "base.css": (SHARED, CSS),
    "mail.css": (PAGE, CSS),
    "mail.js": (PAGE, JS),
    "elements.js": (STATIC, JS),  # the workspace's: text always as text nodes
}


@routes.get("/api/agent/mail/outbox")
async def listing(request: web.Request) -> web.Response:
    await admin_for(request, WHAT)
    settings = request.app[SETTINGS]
    items = await asyncio.to_thread(outbox.listing, settings.outbox_mail_dir)
    answer = outbox.OutboxAnswer(enabled=not settings.smtp_host, items=items)
    return web.json_response(answer.model_dump(mode="json"), headers=PRIVATE)


@routes.get("/api/agent/mail/outbox/{name}")
async def one(request: web.Request) -> web.Response:
    await admin_for(request, WHAT)
    directory = request.app[SETTINGS].outbox_mail_dir
    email = await asyncio.to_thread(outbox.one, directory, request.match_info["name"])
    return web.json_response(email.model_dump(mode="json"), headers=PRIVATE)


@routes.get("/agent/mail")
async def page(request: web.Request) -> web.Response:
    try:
        agent, _ = await request.app[DESK].agent_for(request.cookies.get(COOKIE))
    except Unauthorized:
        raise web.HTTPSeeOther("/agent") from None  # log in there first
    if agent.role != Role.ADMIN:
        raise AdminsOnly(f"{WHAT} are for admins: ask an admin to give you that role")
    return static_file("index.html", "text/html", "no-store", PAGE)


@routes.get("/agent/mail/static/{name}")
async def asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise NotFound(f"no mail page file named {name[:40]!r}")
    folder, content_type = ASSETS[name]
    return static_file(name, content_type, "no-cache", folder)
