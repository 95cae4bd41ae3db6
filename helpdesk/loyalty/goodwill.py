"""Goodwill points: an agent gives points to the shopper of a conversation they may read, with
a reason, at most loyalty.yml's cap per grant; kept in the account's history and the
conversation's event log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.models import Agent
from helpdesk.columns import stored_id
from helpdesk.errors import BadRequest, HelpdeskError
from helpdesk.insights.events import EventKind
from helpdesk.loyalty.accounts import log_change, proved_account, readable_conversation
from helpdesk.orders.models import LoyaltyAccount, LoyaltyEntry
from helpdesk.policies.loyalty_schema import LoyaltyPolicy


class OverGoodwillCap(BadRequest):
    code = "over_goodwill_cap"


class GoodwillOff(HelpdeskError):
    status = 409
    code = "goodwill_off"


@dataclass(frozen=True)
class Grant:
    email: str
    points: int
    reason: str
    balance: int  # after the grant
    at: datetime


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
    conversation = await readable_conversation(session, agent, conversation_id)
    cap = loyalty.goodwill_max_points_per_grant
    if cap == 0:
        raise GoodwillOff(
            "goodwill points are off: goodwill_max_points_per_grant is 0 in loyalty.yml"
        )
    if points > cap:
        raise OverGoodwillCap(f"points: at most {cap} per grant (loyalty.yml), got {points}")
    account = await proved_account(session, conversation_id)
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
