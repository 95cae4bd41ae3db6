"""Liveness and documentation: /healthz and the OpenAPI description of the HTTP API."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from helpdesk.database import DB
from helpdesk.policies.watch import POLICIES, policy_health
from helpdesk.rasa.monitor import BOT_MONITOR
from helpdesk.web.keys import EVENTS

routes = web.RouteTableDef()
OPENAPI = Path(__file__).with_name("openapi.yaml")


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    database_ok = await request.app[DB].ping()
    body = {
        "status": "ok" if database_ok else "degraded",
        "bot": request.app[BOT_MONITOR].status,
        "database": "ok" if database_ok else "error",
        "policies": policy_health(request.app[POLICIES]),
        # Shown, not judged: without Redis each replica still serves its own websockets live.
        "events": request.app[EVENTS].status,
    }
    return web.json_response(body, status=200 if database_ok else 503)


@routes.get("/api/openapi.yaml")
async def openapi(_request: web.Request) -> web.Response:
    return web.Response(text=OPENAPI.read_text(encoding="utf-8"), content_type="application/yaml")
