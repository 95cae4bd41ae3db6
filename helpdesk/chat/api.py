"""The public chat API the widget uses: sessions, messages, transcript and a live websocket."""

from __future__ import annotations

import logging

from aiohttp import web

from helpdesk.chat.guard import spend
from helpdesk.chat.models import (
    LanguageChoice,
    MessageCreate,
    MessagePublic,
    RatingCreate,
    SessionCreate,
    SessionCreated,
)
from helpdesk.chat.service import Chat
from helpdesk.errors import BadRequest, HelpdeskError, TooManyRequests
from helpdesk.live import sockets
from helpdesk.web.client import client_address
from helpdesk.web.keys import EVENTS
from helpdesk.web.middleware import parse_json

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
CHAT = web.AppKey("chat", Chat)
MAX_MESSAGE_ID = 2**63 - 1  # message ids are 64-bit in PostgreSQL
MAX_SOCKETS_PER_SESSION = 5  # a shopper with a few tabs open; more is a script


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@routes.post("/api/chat/sessions")
async def create_session(request: web.Request) -> web.Response:
    wanted = await parse_json(request, SessionCreate) if request.can_read_body else SessionCreate()
    conversation, token, problem = await request.app[CHAT].open(wanted.locale, wanted.identity)
    created = SessionCreated(
        session_id=conversation.id,
        token=token,
        identified=wanted.identity is not None and problem is None,
        identity_problem=problem,
    )
    return web.json_response(created.model_dump(), status=201)


async def authenticated_shopper(request: web.Request, kind: str):
    """The conversation the bearer token opens, counted against its `kind` of limit."""
    conversation = await request.app[CHAT].authenticate(
        request.match_info["session_id"], _bearer(request)
    )
    spend(request, conversation.id, kind)
    return conversation


@routes.post("/api/chat/sessions/{session_id}/messages")
async def post_message(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    conversation = await authenticated_shopper(request, "messages")
    incoming = await parse_json(request, MessageCreate)
    replies, now = await chat.receive(
        conversation.id, incoming.text, str(incoming.client_id), address=client_address(request)
    )
    return web.json_response(
        {
            "messages": [MessagePublic.of(m).json_dict() for m in replies],
            "state": now.state,
            "state_version": now.state_version,
        }
    )


@routes.get("/api/chat/sessions/{session_id}/messages")
async def get_transcript(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    conversation = await authenticated_shopper(request, "reads")
    after = _after(request)
    messages = await chat.transcript(conversation.id, after=after)
    return web.json_response(
        {
            "messages": [MessagePublic.of(m).json_dict() for m in messages],
            "state": conversation.state,
            "state_version": conversation.state_version,
        }
    )


@routes.post("/api/chat/sessions/{session_id}/language")
async def choose_language(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    conversation = await authenticated_shopper(request, "changes")
    choice = await parse_json(request, LanguageChoice)
    chosen = await chat.choose_language(conversation.id, choice.locale)
    return web.json_response({"lang": chosen.lang})


@routes.post("/api/chat/sessions/{session_id}/rating")
async def rate(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    conversation = await authenticated_shopper(request, "changes")
    rating = await parse_json(request, RatingCreate)
    rated = await chat.rate(conversation.id, rating.score, rating.comment)
    return web.json_response({"score": rated.rating, "comment": rated.rating_comment})


def _after(request: web.Request) -> int:
    written = request.query.get("after", "0")
    if not (written.isascii() and written.isdigit()):
        raise BadRequest("after must be a message id (a whole number)")
    after = int(written)
    if after > MAX_MESSAGE_ID:
        raise BadRequest(f"after must be a message id from 0 to {MAX_MESSAGE_ID}")
    return after


@routes.get("/api/chat/sessions/{session_id}/ws")
async def conversation_socket(request: web.Request) -> web.StreamResponse:
    """The shopper's live events. The token comes in the first frame, never in the URL (URLs
    end up in logs); pages of other sites never get here (helpdesk/chat/guard.py)."""
    if "token" in request.query:
        raise BadRequest(
            'send the token in the socket\'s first frame: {"type": "auth", '
            '"token": "..."}, not in the URL'
        )
    chat = request.app[CHAT]
    session_id = request.match_info["session_id"]
    socket = await sockets.open_socket(request)
    token = await sockets.first_frame_token(socket)
    try:
        conversation = await chat.authenticate(session_id, token)
        spend(request, conversation.id, "sockets")
    except HelpdeskError as refused:
        await sockets.refuse(socket, refused)
        return socket
    with sockets.counted(request.app, conversation.id, MAX_SOCKETS_PER_SESSION) as allowed:
        if not allowed:
            await sockets.refuse(
                socket,
                TooManyRequests(
                    f"this conversation has {MAX_SOCKETS_PER_SESSION} windows open already", 30
                ),
            )
            return socket
        return await sockets.stream_events(socket, request.app[EVENTS], conversation.id)
