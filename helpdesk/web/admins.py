"""The doors only admins may open (the mail outbox, the dead jobs): the session's agent must be an
admin, and a request that changes something carries the CSRF token from an allowed origin."""

from __future__ import annotations

import hmac

from aiohttp import web

from helpdesk.agents.api import COOKIE, DESK
from helpdesk.agents.models import Agent, Role
from helpdesk.errors import Forbidden
from helpdesk.web.origins import origin_allowed


class AdminsOnly(Forbidden):
    code = "admins_only"


async def admin_for(request: web.Request, what: str) -> Agent:
    """The logged-in admin: 401 without a session, 403 for an agent who is no admin (`what`
    names the thing they asked for) and for a POST without the CSRF token or from elsewhere."""
    if request.method != "GET":
        origin = request.headers.get("Origin")
        if origin is not None and not origin_allowed(request, origin):
            raise Forbidden(f"requests from {origin[:80]} are not allowed")
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            raise Forbidden("cross-site requests are not allowed")
    agent, session = await request.app[DESK].agent_for(request.cookies.get(COOKIE))
    if request.method != "GET" and not hmac.compare_digest(
        request.headers.get("X-CSRF-Token", "").encode(), session.csrf_token.encode()
    ):
        raise Forbidden(
            "missing or wrong X-CSRF-Token: send the csrf_token from login or /api/agent/me"
        )
    if agent.role != Role.ADMIN:
        raise AdminsOnly(f"{what} are for admins: ask an admin to give you that role")
    return agent
