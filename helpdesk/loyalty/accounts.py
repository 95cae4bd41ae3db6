"""Loyalty accounts as redemption and agents find them (by email, or as the proved shopper of a
conversation the agent may read), the errors they share, and the history entry plus
conversation event every change of points writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.models import Agent
from helpdesk.agents.queue import refuse_unless_readable
from helpdesk.chat.conversations import get_conversation
from helpdesk.chat.models import Conversation
from helpdesk.errors import ConversationNotFound, HelpdeskError, NotFound
from helpdesk.insights import events
from helpdesk.insights.events import EventKind
from helpdesk.orders.models import LoyaltyAccount, LoyaltyEntry, Order, VerificationAttempt
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


class ShopperUnknown(HelpdeskError):
    """Points are a person's: one who proved an order in the conversation or was signed in."""

    status = 409
    code = "shopper_not_verified"


async def readable_conversation(
    session: AsyncSession, agent: Agent, conversation_id: str
) -> Conversation:
    """The conversation, if the agent may read it: checked before anything of its shopper is said."""
    conversation = await get_conversation(session, conversation_id)
    refuse_unless_readable(conversation, agent)
    return conversation


async def shopper_email(session: AsyncSession, conversation_id: str) -> str | None:
    """The customer this conversation proved to be, by its latest successful proof: a signed
    identity's email, or the email on the order it proved."""
    query = (
        select(VerificationAttempt.email, Order.email)
        .outerjoin(Order, col(Order.number) == col(VerificationAttempt.order_number))
        .where(
            VerificationAttempt.conversation_id == conversation_id,
            col(VerificationAttempt.succeeded).is_(True),
        )
        .order_by(col(VerificationAttempt.at).desc(), col(VerificationAttempt.id).desc())
    )
    for identity, ordered in await session.exec(query):
        if ordered or identity:
            return ordered or identity
    return None


async def proved_account(session: AsyncSession, conversation_id: str) -> LoyaltyAccount:
    email = await shopper_email(session, conversation_id)
    if email is None:
        raise ShopperUnknown(
            "the shopper has not proved who they are in this conversation (an order number "
            "with its email or postal code, or a sign-in): there is no account to look at"
        )
    return await account_of(session, email)


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
