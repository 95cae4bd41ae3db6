"""The widget's door to the transcript by email: POST with the conversation's token, optionally
naming the address; answers 202 with the address as shown (masked unless the request named it)
and the notice shown in the conversation."""

from __future__ import annotations

import pydantic
from aiohttp import web
from pydantic import BaseModel, ConfigDict

from helpdesk.chat.api import CHAT, authenticated_shopper
from helpdesk.chat.models import MessagePublic
from helpdesk.database import DB
from helpdesk.followups import transcript
from helpdesk.policies.watch import POLICIES
from helpdesk.web.keys import CLOCK, LOCALES
from helpdesk.web.middleware import parse_json

routes = web.RouteTableDef()


class TranscriptWanted(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    email: str | None = pydantic.Field(default=None, min_length=3, max_length=320)


class TranscriptQueued(BaseModel):
    email: str  # as shown: the address the request named, else masked ('l•••@example.com')
    notice: dict


@routes.post("/api/chat/sessions/{session_id}/transcript")
async def email_transcript(request: web.Request) -> web.Response:
    chat = request.app[CHAT]
    conversation = await authenticated_shopper(request, "changes")
    wanted = await parse_json(request, TranscriptWanted) if request.can_read_body else None
    email = wanted.email if wanted else None
    database, now = request.app[DB], request.app[CLOCK].now()
    async with database.session() as session:
        to = await transcript.recipient(session, conversation.id, email)
    notice = await transcript.notice_for(chat.outbox, to, conversation.lang)
    async with database.session() as session:
        stored = await transcript.send(
            session,
            chat.outbox,
            request.app[LOCALES],
            request.app[POLICIES].policies.engagement,
            conversation.id,
            to=to.address,
            notice=notice,
            now=now,
        )
    answer = TranscriptQueued(email=to.shown, notice=MessagePublic.of(stored).json_dict())
    return web.json_response(answer.model_dump(), status=202)
