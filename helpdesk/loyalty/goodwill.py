"""Goodwill points: an agent gives points to the shopper of a conversation they may read, with
a reason, at most loyalty.yml's cap per grant; kept in the account's history and the
conversation's event log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.models import Agent
from helpdesk.agents.queue import refuse_unless_readable
from helpdesk.chat.conversations import get_conversation
from helpdesk.columns import stored_id
from helpdesk.errors import BadRequest, HelpdeskError
from helpdesk.insights.events import EventKind
from helpdesk.loyalty.accounts import account_of, log_change
from helpdesk.orders.models import LoyaltyAccount, LoyaltyEntry, Order, VerificationAttempt
from helpdesk.policies.loyalty_schema import LoyaltyPolicy


class OverGoodwillCap(BadRequest):
    code = "over_goodwill_cap"


class GoodwillOff(HelpdeskError):
    status = 409
    code = "goodwill_off"


class ShopperUnknown(HelpdeskError):
    """Points go to a person the shop knows: one who proved an order or was signed in."""

    status = 409
    code = "shopper_not_verified"


@dataclass(frozen=True)
class Grant:
    email: str
    points: int
    reason: str
    balance: int  # after the grant
    at: datetime


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


async def grant_goodwill(
    session: AsyncSession,
    *,
    loyalty: LoyaltyPolicy,
    agent: Agent,
    conversation_id: str,
    points: int,
    reason: str,
    now: datetime,
) -> Grant:
    """Add `points` to the shopper's balance, committed here with its history and event."""
    conversation = await get_conversation(session, conversation_id)
    refuse_unless_readable(conversation, agent)  # before anything about the account is said
    cap = loyalty.goodwill_max_points_per_grant
    if cap == 0:
        raise GoodwillOff(
            "goodwill points are off: goodwill_max_points_per_grant is 0 in loyalty.yml"
        )
    if points > cap:
        raise OverGoodwillCap(f"points: at most {cap} per grant (loyalty.yml), got {points}")
    email = await shopper_email(session, conversation_id)
    if email is None:
        raise ShopperUnknown(
            "the shopper has not proved who they are in this conversation (an order number "
            "with its email or postal code, or a sign-in): there is no account to give points to"
        )
    account = await account_of(session, email)
    try:
        added = await session.exec(
            update(LoyaltyAccount)
            .where(col(LoyaltyAccount.id) == account.id)
            .values(balance=col(LoyaltyAccount.balance) + points, last_activity=now.date())
            .returning(col(LoyaltyAccount.balance))
            .execution_options(synchronize_session=False)
        )
        balance = added.scalar_one()
        # Not in points_last_12_months: goodwill makes up for a mistake, it does not buy a tier.
        entry = LoyaltyEntry(
            account_id=stored_id(account),
            occurred_on=now.date(),
            points=points,
            reason="goodwill",
            at=now,
            agent_id=agent.id,
            conversation_id=conversation_id,
            note=reason,
        )
        detail = {"points": points, "reason": reason}
        log_change(session, entry, conversation, EventKind.POINTS_GRANTED, detail, at=now)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return Grant(account.email, points, reason, balance, now)
