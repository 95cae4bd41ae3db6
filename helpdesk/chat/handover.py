"""The hand-over between bot and people, as the conversation lives it (DESIGN.md's states):
escalated to a team's queue, reopened by the shopper, waiting too long, outside the team's hours.
What agents do with the queue (claim, transfer, resolve) is helpdesk/agents/queue.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat.models import Conversation, ConversationState, Priority
from helpdesk.clock import aware
from helpdesk.insights import events
from helpdesk.policies.support import Availability, availability, wait_too_long
from helpdesk.policies.support_schema import SupportPolicy

State = ConversationState
# What makes a conversation jump the queue: the shopper is unhappy, or the order is late.
URGENT_INTENTS = {"complaint"}
URGENT_RESPONSES = {"utter_order_delayed", "utter_order_delayed_unshipped"}


def priority_of(signal: dict[str, Any], support: SupportPolicy | None) -> Priority:
    always_human = set(support.always_human) if support else set()
    reasons = {signal.get("reason"), *(signal.get("intents") or [])}
    urgent = reasons & (URGENT_INTENTS | always_human) or URGENT_RESPONSES & set(
        signal.get("bot_said") or []
    )
    return Priority.HIGH if urgent else Priority.NORMAL


def route(support: SupportPolicy | None, lang: str, now: datetime) -> Availability | None:
    """The team for a shopper's language: one at work now if any, else the one opening soonest."""
    return availability(support, now, language=lang) if support else None


async def escalate(
    session: AsyncSession,
    conversation: Conversation,
    signal: dict[str, Any],
    *,
    support: SupportPolicy | None,
    now: datetime,
) -> bool:
    """Queue the conversation for a person; False (and nothing changes) if a person already has
    it or it is already waiting: escalating twice is escalating once."""
    if conversation.state in (State.QUEUED, State.WITH_AGENT):
        return False
    routed = route(support, conversation.lang, now)
    conversation.state = State.QUEUED
    conversation.team = routed.team if routed else None
    conversation.priority = priority_of(signal, support)
    conversation.reason = signal.get("reason") or "human_handoff"
    conversation.summary = signal
    conversation.queued_at = conversation.updated_at = now
    conversation.agent_id = conversation.claimed_at = conversation.resolved_at = None
    conversation.state_version += 1
    session.add(conversation)
    events.escalated(session, conversation, at=now)
    await session.commit()
    return True


def reopen(conversation: Conversation, now: datetime) -> bool:
    """A shopper writing after a resolution talks to the bot again, not to the last agent."""
    if conversation.state != State.RESOLVED:
        return False
    conversation.state, conversation.agent_id = State.BOT, None
    conversation.updated_at = now
    conversation.state_version += 1
    return True


def waiting_too_long(
    conversation: Conversation, support: SupportPolicy | None, now: datetime
) -> bool:
    if conversation.state != State.QUEUED or conversation.queued_at is None or support is None:
        return False
    team = conversation.team
    if team is None or team not in support.teams:
        team = support.fallback_team
    return wait_too_long(support, team, now - aware(conversation.queued_at))


def outside_hours(
    conversation: Conversation, support: SupportPolicy | None, now: datetime
) -> Availability | None:
    """When nobody of the conversation's team is at work: the team's availability, else None."""
    if support is None or conversation.team not in support.teams:
        return None
    answer = availability(support, now, team=conversation.team)
    return None if answer.open else answer
