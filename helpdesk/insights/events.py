"""The conversation event log: one append-only row for each thing that happens to a conversation,
added to the session of the change it records so that both are committed together (the caller
commits). The support KPIs (insights/support.py) are computed from these rows alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat.models import Conversation
from helpdesk.columns import stored_id
from helpdesk.rasa.client import BotMessage


class EventKind(StrEnum):
    OPENED = "opened"
    BOT_TURN = "bot_turn"  # the bot answered a shopper message: intent, confidence, outcome
    FALLBACK = "fallback"  # ... and it was a turn where the bot did not understand
    ESCALATED = "escalated"  # the conversation asked for a person: reason
    QUEUED = "queued"  # it waits in a team's queue (after an escalation or a transfer): team
    CLAIMED = "claimed"  # an agent took it from the queue: agent, team
    FIRST_AGENT_REPLY = "first_agent_reply"  # the first words of a person since the escalation
    TRANSFERRED = "transferred"  # to another team's queue or straight to a colleague
    RESOLVED = "resolved"  # outcome: bot or agent
    REOPENED = "reopened"  # the shopper wrote again after a resolution
    RATED = "rated"  # rating 1-5, the comment in detail
    SHOP_MESSAGE = "shop_message"  # the shop wrote first in the widget (a delay notice): message
    POINTS_REDEEMED = "points_redeemed"  # the shopper spent points on a reward: reward, points
    POINTS_GRANTED = "points_granted"  # an agent gave goodwill points: agent, points, reason
    # The shop emailed about this conversation (mail/records.py writes it with the send): message.
    EMAIL_SENT = "email_sent"


class TurnOutcome(StrEnum):
    """What a bot turn left the shopper with (the `outcome` of a bot_turn event)."""

    ANSWER = "answer"  # an answer: nothing is left for the shopper to say
    QUESTION = "question"  # the bot asked something (an order number, "how can I help?")
    FALLBACK = "fallback"  # the bot did not understand
    NO_ANSWER = "no_answer"  # out of scope, or something the bot could not do or look up now
    HANDOVER = "handover"  # the bot handed the conversation to a person


class Resolver(StrEnum):
    """Who resolved it (the `outcome` of a resolved event)."""

    BOT = "bot"  # insights/bot_resolutions.py says when
    AGENT = "agent"


NLU_FALLBACK = "nlu_fallback"
# The bot's responses (bot/domain.yml) of its two-stage fallback: it did not understand.
FALLBACK_RESPONSES = {"utter_ask_rephrase", "utter_ask_affirmation", "utter_ask_which"}
FALLBACK_RESPONSES |= {"utter_offer_human"}
# Responses that leave the shopper something to answer, besides every utter_ask_*.
QUESTIONS = {"utter_greet", "utter_how_can_i_help", "utter_confirm_cancel", "utter_redeem_offer"}
# Responses that answer nothing: out of scope, failed or locked checks, policies unavailable.
NO_ANSWERS = {"utter_out_of_scope", "utter_policies_unavailable", "utter_verification_failed"}
NO_ANSWERS |= {"utter_verification_locked", "utter_verification_locked_order", "notice_bot_failed"}


class ConversationEvent(SQLModel, table=True):
    """One thing that happened to a conversation. Rows are only ever added."""

    __tablename__ = "conversation_event"
    __table_args__ = (
        Index("ix_conversation_event_kind_at", "kind", "at"),
        Index("ix_conversation_event_conversation_id_kind", "conversation_id", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversation.id")  # indexed with kind, above
    kind: str
    # When it happened, by the app's clock: there is no default, every caller says.
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    lang: str | None = None  # the conversation's language then
    team: str | None = None
    agent_id: int | None = Field(default=None, foreign_key="agent.id")
    intent: str | None = None
    confidence: float | None = None
    outcome: str | None = None  # TurnOutcome of a bot turn, Resolver of a resolution
    reason: str | None = None  # why it was escalated
    rating: int | None = None
    # The earlier event this one completes, so that durations need no guessing: claimed -> the
    # queued wait it ends; first_agent_reply and resolved by an agent -> the escalation;
    # resolved by the bot -> the bot turn that answered; reopened and rated -> the resolution.
    refers_to: int | None = Field(default=None, foreign_key="conversation_event.id", index=True)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))


def record(
    session: AsyncSession,
    conversation: Conversation,
    kind: EventKind,
    *,
    at: datetime,
    **fields: Any,
) -> ConversationEvent:
    """Add an event to the session, in the conversation's language; the caller commits."""
    event = ConversationEvent(
        conversation_id=conversation.id, kind=kind, at=at, lang=conversation.lang, **fields
    )
    session.add(event)
    return event


async def latest(
    session: AsyncSession, conversation_id: str, *kinds: EventKind
) -> ConversationEvent | None:
    """The conversation's newest event of these kinds (events added in this session count)."""
    query = (
        select(ConversationEvent)
        .where(
            ConversationEvent.conversation_id == conversation_id,
            col(ConversationEvent.kind).in_(kinds),
        )
        .order_by(col(ConversationEvent.id).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


def _id(event: ConversationEvent | None) -> int | None:
    """Conversations from before the event log have no earlier event to refer to."""
    return event.id if event is not None else None


# --- the bot's side ---------------------------------------------------------------------------


def opened(session: AsyncSession, conversation: Conversation, *, at: datetime) -> None:
    record(session, conversation, EventKind.OPENED, at=at)


def turn_outcome(intent: str | None, keys: Sequence[str], handed_over: bool) -> TurnOutcome:
    """A turn is judged by the bot's last words: a shopper who leaves after a question or a
    fallback was not helped, one who leaves after an answer may have been."""
    if handed_over:
        return TurnOutcome.HANDOVER
    if intent == NLU_FALLBACK or FALLBACK_RESPONSES.intersection(keys):
        return TurnOutcome.FALLBACK
    if not keys or NO_ANSWERS.intersection(keys):
        return TurnOutcome.NO_ANSWER
    if keys[-1].startswith("utter_ask_") or keys[-1] in QUESTIONS:
        return TurnOutcome.QUESTION
    return TurnOutcome.ANSWER


def bot_turn(
    session: AsyncSession,
    conversation: Conversation,
    said: Sequence[BotMessage],
    *,
    handed_over: bool,
    at: datetime,
) -> None:
    """The bot answered a shopper message: what it understood (our NLG endpoint passes Rasa's
    reading on with every response) and what came of it; a fallback also gets its own event."""
    understood = next((message for message in said if message.intent), None)
    intent = understood.intent if understood else None
    confidence = understood.confidence if understood else None
    keys = [message.key for message in said if message.key]
    outcome = turn_outcome(intent, keys, handed_over)
    record(
        session,
        conversation,
        EventKind.BOT_TURN,
        at=at,
        intent=intent,
        confidence=confidence,
        outcome=outcome,
        detail={"said": keys} if keys else None,
    )
    if outcome == TurnOutcome.FALLBACK:
        record(
            session, conversation, EventKind.FALLBACK, at=at, intent=intent, confidence=confidence
        )


def resolved_by_bot(
    session: AsyncSession, conversation: Conversation, answer: ConversationEvent, *, at: datetime
) -> None:
    record(
        session, conversation, EventKind.RESOLVED, at=at, outcome=Resolver.BOT, refers_to=answer.id
    )


# --- the hand-over ----------------------------------------------------------------------------


def escalated(session: AsyncSession, conversation: Conversation, *, at: datetime) -> None:
    """The conversation asked for a person and now waits in its team's queue."""
    record(session, conversation, EventKind.ESCALATED, at=at, reason=conversation.reason)
    record(session, conversation, EventKind.QUEUED, at=at, team=conversation.team)


async def claimed(
    session: AsyncSession, conversation: Conversation, agent_id: int, *, at: datetime
) -> None:
    """Counted in the team of the queue the conversation waited in."""
    wait = await latest(session, conversation.id, EventKind.QUEUED)
    record(
        session,
        conversation,
        EventKind.CLAIMED,
        at=at,
        agent_id=agent_id,
        team=wait.team if wait else conversation.team,
        refers_to=_id(wait),
    )


async def agent_replied(
    session: AsyncSession, conversation: Conversation, agent_id: int, *, at: datetime
) -> None:
    """Records the first reply of a person since the conversation was escalated; later replies
    are messages, not events."""
    escalation = await latest(session, conversation.id, EventKind.ESCALATED)
    answered = await latest(session, conversation.id, EventKind.FIRST_AGENT_REPLY)
    if answered is not None and (escalation is None or stored_id(answered) > stored_id(escalation)):
        return
    record(
        session,
        conversation,
        EventKind.FIRST_AGENT_REPLY,
        at=at,
        agent_id=agent_id,
        team=conversation.team,
        refers_to=_id(escalation),
    )


def transferred(
    session: AsyncSession,
    conversation: Conversation,
    *,
    by_agent_id: int | None,
    at: datetime,
) -> None:
    """After the transfer: the colleague who has it now, or the team whose queue it waits in."""
    record(
        session,
        conversation,
        EventKind.TRANSFERRED,
        at=at,
        team=conversation.team,
        agent_id=conversation.agent_id,
        detail={"by_agent_id": by_agent_id},
    )
    if conversation.agent_id is None:
        record(session, conversation, EventKind.QUEUED, at=at, team=conversation.team)


async def resolved_by_agent(
    session: AsyncSession, conversation: Conversation, *, at: datetime
) -> None:
    escalation = await latest(session, conversation.id, EventKind.ESCALATED)
    record(
        session,
        conversation,
        EventKind.RESOLVED,
        at=at,
        outcome=Resolver.AGENT,
        team=conversation.team,
        agent_id=conversation.agent_id,
        refers_to=_id(escalation),
    )


# --- the shopper comes back, and rates --------------------------------------------------------


async def reopened_if_resolved(
    session: AsyncSession, conversation: Conversation, *, at: datetime
) -> None:
    """A shopper message after a resolution (by an agent or by the bot) reopens it. Called for
    every new shopper message: one indexed look-up."""
    last = await latest(session, conversation.id, EventKind.RESOLVED, EventKind.REOPENED)
    if last is not None and last.kind == EventKind.RESOLVED:
        record(
            session,
            conversation,
            EventKind.REOPENED,
            at=at,
            outcome=last.outcome,
            refers_to=last.id,
        )


async def rated(
    session: AsyncSession,
    conversation: Conversation,
    score: int,
    comment: str | None,
    *,
    at: datetime,
) -> None:
    """A rating of the latest resolution; a shopper who rates again changes their rating (the
    KPIs count the newest rating of each resolution)."""
    resolution = await latest(session, conversation.id, EventKind.RESOLVED)
    record(
        session,
        conversation,
        EventKind.RATED,
        at=at,
        rating=score,
        team=resolution.team if resolution else conversation.team,
        agent_id=resolution.agent_id if resolution else None,
        refers_to=_id(resolution),
        detail={"comment": comment} if comment else None,
    )
