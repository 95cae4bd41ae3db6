"""Loyalty accounts as redemption and goodwill find them, the errors they share, and the
history entry plus conversation event every change of points writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat.models import Conversation
from helpdesk.errors import ConversationNotFound, HelpdeskError, NotFound
from helpdesk.insights import events
from helpdesk.insights.events import EventKind
from helpdesk.orders.models import LoyaltyAccount, LoyaltyEntry
from helpdesk.orders.verification import normalise_email


class NoLoyaltyAccount(NotFound):
    code = "no_loyalty_account"


class NotEnoughPoints(HelpdeskError):
    status = 409
    code = "not_enough_points"


class RewardSoldOut(HelpdeskError):
    """The reward's pool has no free code: nothing was deducted; a person can help instead."""

    status = 409
    code = "reward_sold_out"


class RewardNotOffered(HelpdeskError):
    status = 409
    code = "reward_not_offered"


async def account_of(session: AsyncSession, email: str) -> LoyaltyAccount:
    query = select(LoyaltyAccount).where(LoyaltyAccount.email == normalise_email(email))
    account = (await session.exec(query)).first()
    if account is None:
        raise NoLoyaltyAccount("this customer has no loyalty account")
    return account


async def conversation_or_none(
    session: AsyncSession, conversation_id: str | None
) -> Conversation | None:
    if conversation_id is None:
        return None
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        raise ConversationNotFound(f"no conversation {conversation_id[:80]!r}")
    return conversation


def log_change(
    session: AsyncSession,
    entry: LoyaltyEntry,
    conversation: Conversation | None,
    kind: EventKind,
    detail: dict[str, Any],
    *,
    at: datetime,
) -> None:
    """The account's history and, in a conversation, its event log: both in the caller's
    transaction, so neither is ever written without the change of points itself."""
    session.add(entry)
    if conversation is not None:
        events.record(session, conversation, kind, at=at, agent_id=entry.agent_id, detail=detail)
