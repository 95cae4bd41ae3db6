"""The public chat API the widget uses: sessions, messages, transcript and a live websocket."""

from __future__ import annotations

import logging

from aiohttp import web

from helpdesk import sockets
from helpdesk.chat import Chat
from helpdesk.client import client_address
from helpdesk.errors import parse_json
from helpdesk.models import (LanguageChoice, MessageCreate, MessagePublic, RatingCreate,
                             SessionCreate, SessionCreated)
from helpdesk.origins import SETTINGS

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
CHAT = web.AppKey("chat", Chat)


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@routes.post("/api/chat/sessions")
async def create_session(request: web.Request) -> web.Response:
    wanted = await parse_json(request, SessionCreate) if request.can_read_body else SessionCreate()
    conversation, token, problem = await request.app[CHAT].open(wanted.locale, wanted.identity)
    created = SessionCreated(session_id=conversation.id, token=token,
                             identified=wanted.identity is not None and problem is None,
                             identity_problem=problem)
    return web.json_response(created.model_dump(), status=201)


@routes.post("/api/chat/sessions/{session_id}/messages")
async def post_message(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    conversation = await chat.authenticate(request.match_info["session_id"], _bearer(request))
    incoming = await parse_json(request, MessageCreate)
    replies, now = await chat.receive(conversation.id, incoming.text, str(incoming.client_id),
                                      address=client_address(request))
    return web.json_response({"messages": [MessagePublic.of(m).json_dict() for m in replies],
                              "state": now.state, "state_version": now.state_version})


@routes.get("/api/chat/sessions/{session_id}/messages")
async def get_transcript(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    conversation = await chat.authenticate(request.match_info["session_id"], _bearer(request))
    after = _after(request)
    messages = await chat.transcript(conversation.id, after=after)
    return web.json_response({"messages": [MessagePublic.of(m).json_dict() for m in messages],
                              "state": conversation.state,
                              "state_version": conversation.state_version})


@routes.post("/api/chat/sessions/{session_id}/language")
async def choose_language(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    conversation = await chat.authenticate(request.match_info["session_id"], _bearer(request))
    choice = await parse_json(request, LanguageChoice)
    chosen = await chat.choose_language(conversation.id, choice.locale)
    return web.json_response({"lang": chosen.lang})


@routes.post("/api/chat/sessions/{session_id}/rating")
async def rate(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    conversation = await chat.authenticate(request.match_info["session_id"], _bearer(request))
    rating = await parse_json(request, RatingCreate)
    rated = await chat.rate(conversation.id, rating.score, rating.comment)
    return web.json_response({"score": rated.rating, "comment": rated.rating_comment})


def _after(request: web.Request) -> int:
    try:
        return int(request.query.get("after", "0"))
    except ValueError:
        raise web.HTTPBadRequest(reason="after must be a message id (a whole number)") from None


@routes.get("/api/chat/sessions/{session_id}/ws")
async def conversation_socket(request: web.Request) -> web.StreamResponse:
    # Pages of other sites never get here: helpdesk/chat_guard.py refuses their Origin.
    chat = request.app[CHAT]
    conversation = await chat.authenticate(request.match_info["session_id"],
                                           request.query.get("token"))
    return await sockets.stream_events(request, chat.events, conversation.id)
