"""Resolved by the bot. Conversations the bot handles alone never end on their own: the shopper
just stops writing. So the bot's resolution is a rule, and a sweep records it:

A conversation is resolved by the bot when it is with the bot, the bot had the last word, that
word was an answer (not a question, a fallback, a "cannot" or a hand-over: insights/events.py
judges each turn), and the shopper then wrote nothing for QUIET_FOR. The sweep sets resolved_at,
records the resolution and asks for a rating in one transaction; a shopper message after it
reopens the conversation (insights/events.py `reopened_if_resolved`). The conversation's state
stays `bot`: for the shopper nothing ends, the bot is still there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat.conversations import get_conversation
from helpdesk.chat.models import RATING_PROMPT, Conversation, ConversationState, Sender
from helpdesk.chat.outbox import Outbox
from helpdesk.chat.relay import TurnLocks
from helpdesk.chat.replies import Reply
from helpdesk.clock import Clock
from helpdesk.database import Database
from helpdesk.insights import events
from helpdesk.insights.events import ConversationEvent, EventKind, TurnOutcome
from helpdesk.rasa.client import BotMessage

log = logging.getLogger(__name__)
# After 60 quiet minutes Rasa itself starts a new session (bot/domain.yml): the talk is over.
QUIET_FOR = timedelta(hours=1)
# A conversation quiet for longer was swept already, or never qualified: not looked at again.
LOOK_BACK = timedelta(days=7)
SWEEP_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class Candidate:
    conversation_id: str
    lang: str
    answer_id: int  # the bot turn whose answer resolved it


async def candidates(session: AsyncSession, *, now: datetime) -> list[Candidate]:
    """Conversations the rule says the bot resolved, as of `now`."""
    quiet_since = now - QUIET_FOR
    newer = aliased(ConversationEvent)
    last_event = (
        select(func.max(newer.id)).where(newer.conversation_id == Conversation.id).scalar_subquery()
    )
    query = (
        select(Conversation.id, Conversation.lang, ConversationEvent.id)
        .join(ConversationEvent, col(ConversationEvent.conversation_id) == Conversation.id)
        .where(
            Conversation.state == ConversationState.BOT,
            col(Conversation.updated_at) <= quiet_since,
            col(Conversation.updated_at) > now - LOOK_BACK,
            ConversationEvent.id == last_event,
            ConversationEvent.kind == EventKind.BOT_TURN,
            ConversationEvent.outcome == TurnOutcome.ANSWER,
            # The bot had the last word: no shopper message came after its answer.
            col(ConversationEvent.at) >= Conversation.updated_at,
        )
    )
    return [Candidate(*row) for row in await session.exec(query) if row[2] is not None]


class BotResolutions:
    """The sweep: each replica may run it; a conversation is resolved once."""

    def __init__(
        self, *, database: Database, outbox: Outbox, clock: Clock, turns: TurnLocks
    ) -> None:
        self.database, self.outbox, self.clock, self.turns = database, outbox, clock, turns

    async def sweep(self) -> int:
        """Record what the bot resolved since the last sweep; how many conversations."""
        async with self.database.session() as session:
            found = await candidates(session, now=self.clock.now())
        prompts: dict[str, list[Reply]] = {}
        resolved = 0
        for candidate in found:
            if candidate.lang not in prompts:  # rendered with no transaction open: may translate
                prompts[candidate.lang] = await self.outbox.prepare(
                    [BotMessage(key=RATING_PROMPT)], candidate.lang
                )
            resolved += await self._resolve(candidate, prompts[candidate.lang])
        return resolved

    async def _resolve(self, candidate: Candidate, prompt: list[Reply]) -> bool:
        """One guarded UPDATE: a shopper message (which moves updated_at) or another replica's
        sweep that came first leaves the row unchanged, and nothing is recorded."""
        async with self.turns.hold(candidate.conversation_id):
            async with self.database.session() as session:
                now = self.clock.now()
                changed = await session.exec(
                    update(Conversation)
                    .where(
                        col(Conversation.id) == candidate.conversation_id,
                        col(Conversation.state) == ConversationState.BOT,
                        col(Conversation.updated_at) <= now - QUIET_FOR,
                    )
                    .values(resolved_at=now, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
                if changed.rowcount != 1:
                    return False
                conversation = await get_conversation(session, candidate.conversation_id)
                answer = await session.get(ConversationEvent, candidate.answer_id)
                if answer is None:
                    return False
                events.resolved_by_bot(session, conversation, answer, at=now)
                await self.outbox.store(
                    session, conversation, prompt, now=now, sender=Sender.SYSTEM
                )
        return True
