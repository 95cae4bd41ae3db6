"""The agent API the workspace uses: login, queue, claim, reply, transfer, resolve, live events.

Sessions live in an HttpOnly, SameSite=Strict cookie. Every state-changing request must carry the
session's CSRF token in X-CSRF-Token and, when the browser says where it comes from, an allowed
Origin: a page on another site cannot act for a logged-in agent.
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from helpdesk.agents.accounts import SESSION_LIFETIME
from helpdesk.agents.answers import Answer, LoggedIn
from helpdesk.agents.desk import AgentDesk
from helpdesk.agents.models import (
    Agent,
    AgentMessageCreate,
    AgentPublic,
    AgentSession,
    LoginRequest,
    PreviewRequest,
    TransferRequest,
)
from helpdesk.errors import Forbidden, HelpdeskError
from helpdesk.live import sockets
from helpdesk.live.events import AGENTS
from helpdesk.web.client import client_address, over_https
from helpdesk.web.keys import EVENTS
from helpdesk.web.middleware import parse_json
from helpdesk.web.origins import origin_allowed

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
DESK = web.AppKey("agent_desk", AgentDesk)
COOKIE = "helpdesk_agent"


def _answer(answer: Answer, status: int = 200) -> web.Response:
    return web.json_response(answer.json_dict(), status=status)


def _check_origin(request: web.Request) -> None:
    origin = request.headers.get("Origin")
    if origin is not None and not origin_allowed(request, origin):
        raise Forbidden(f"requests from {origin} are not allowed")
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise Forbidden("cross-site requests are not allowed")


async def logged_in_agent(request: web.Request) -> tuple[Agent, AgentSession]:
    """The logged-in agent; for POSTs also the CSRF and Origin checks."""
    if request.method != "GET":
        _check_origin(request)
    agent, session = await request.app[DESK].agent_for(request.cookies.get(COOKIE))
    if request.method != "GET" and not hmac.compare_digest(
        request.headers.get("X-CSRF-Token", ""), session.csrf_token
    ):
        raise Forbidden(
            "missing or wrong X-CSRF-Token: send the csrf_token from login or /api/agent/me"
        )
    return agent, session


@routes.post("/api/agent/login")
async def login(request: web.Request) -> web.Response:
    _check_origin(request)
    credentials = await parse_json(request, LoginRequest)
    agent, token, csrf = await request.app[DESK].log_in(
        credentials.email, credentials.password, client_address(request)
    )
    response = _answer(LoggedIn(agent=AgentPublic.of(agent), csrf_token=csrf))
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        path="/",
        secure=over_https(request),
        max_age=int(SESSION_LIFETIME.total_seconds()),
    )
    return response


@routes.post("/api/agent/logout")
async def logout(request: web.Request) -> web.Response:
    await logged_in_agent(request)
    await request.app[DESK].log_out(request.cookies[COOKIE])
    response = web.Response(status=204)
    response.del_cookie(COOKIE, path="/")
    return response


@routes.get("/api/agent/me")
async def me(request: web.Request) -> web.Response:
    agent, session = await logged_in_agent(request)
    return _answer(LoggedIn(agent=AgentPublic.of(agent), csrf_token=session.csrf_token))


@routes.get("/api/agent/queue")
async def queue(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    return _answer(await request.app[DESK].queue(agent))


@routes.get("/api/agent/canned")
async def canned(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    return _answer(await request.app[DESK].canned(agent))


@routes.get("/api/agent/directory")
async def directory(request: web.Request) -> web.Response:
    await logged_in_agent(request)
    return _answer(await request.app[DESK].directory())


@routes.get("/api/agent/conversations/{conversation_id}")
async def conversation(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    desk = request.app[DESK]
    return _answer(await desk.conversation(agent, request.match_info["conversation_id"]))


@routes.post("/api/agent/conversations/{conversation_id}/claim")
async def claim(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    desk = request.app[DESK]
    return _answer(await desk.claim(agent, request.match_info["conversation_id"]))


@routes.post("/api/agent/conversations/{conversation_id}/messages")
async def reply(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    body = await parse_json(request, AgentMessageCreate)
    sent = await request.app[DESK].reply(
        agent, request.match_info["conversation_id"], body.text, body.internal
    )
    return _answer(sent, status=201)


@routes.post("/api/agent/conversations/{conversation_id}/typing")
async def typing(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    await request.app[DESK].typing(agent, request.match_info["conversation_id"])
    return web.Response(status=204)


@routes.post("/api/agent/conversations/{conversation_id}/preview")
async def preview(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    body = await parse_json(request, PreviewRequest)
    desk = request.app[DESK]
    return _answer(await desk.preview(agent, request.match_info["conversation_id"], body.text))


@routes.post("/api/agent/conversations/{conversation_id}/transfer")
async def transfer(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    body = await parse_json(request, TransferRequest)
    desk = request.app[DESK]
    return _answer(await desk.transfer(agent, request.match_info["conversation_id"], body))


@routes.post("/api/agent/conversations/{conversation_id}/resolve")
async def resolve(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    desk = request.app[DESK]
    return _answer(await desk.resolve(agent, request.match_info["conversation_id"]))


@routes.get("/api/agent/ws")
async def agent_socket(request: web.Request) -> web.StreamResponse:
    _check_origin(request)  # a websocket is opened with a GET, but it is a two-way channel
    agent, _ = await logged_in_agent(request)
    desk = request.app[DESK]

    async def shown(event: dict) -> dict | None:
        try:
            return await desk.event_for(agent, event)
        except HelpdeskError:  # the conversation is gone
            return None

    return await sockets.stream_events(
        await sockets.open_socket(request), request.app[EVENTS], AGENTS, shown
    )
