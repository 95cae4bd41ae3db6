"""Redeeming points for a reward: the points deducted and one free code of the reward's pool
handed out, in one transaction, so that no balance goes negative and no code goes out twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.columns import stored_id
from helpdesk.insights.events import EventKind
from helpdesk.loyalty.accounts import (
    NotEnoughPoints,
    RewardNotOffered,
    RewardSoldOut,
    account_of,
    conversation_or_none,
    log_change,
)
from helpdesk.loyalty.codes import check_reward
from helpdesk.loyalty.models import LoyaltyCode
from helpdesk.orders.models import LoyaltyAccount, LoyaltyEntry
from helpdesk.policies.loyalty_schema import LoyaltyPolicy
from helpdesk.policies.rewards import offered_in, reward_named


@dataclass(frozen=True)
class Redemption:
    reward: str
    code: str
    points: int  # deducted
    balance: int  # left afterwards
    at: datetime


async def redeem(
    session: AsyncSession,
    *,
    loyalty: LoyaltyPolicy,
    email: str,
    reward: str,
    now: datetime,
    conversation_id: str | None = None,
) -> Redemption:
    """Spend `email`'s points on `reward`, committed here; refused with nothing changed when
    the points do not reach (NotEnoughPoints) or the pool is dry (RewardSoldOut)."""
    check_reward(loyalty, reward)
    wanted = reward_named(loyalty, reward)
    account = await account_of(session, email)
    if not offered_in(loyalty, wanted, account.country):
        raise RewardNotOffered(f"{reward} is not offered in {account.country}")
    conversation = await conversation_or_none(session, conversation_id)
    try:
        # The first write of the transaction: on PostgreSQL it locks the account's row, so
        # redemptions of one shopper queue here and each sees the balance the last one left;
        # SQLite takes its one write lock. The guard re-reads the balance under that lock.
        deducted = await session.exec(
            update(LoyaltyAccount)
            .where(
                col(LoyaltyAccount.id) == account.id, col(LoyaltyAccount.balance) >= wanted.points
            )
            .values(balance=col(LoyaltyAccount.balance) - wanted.points, last_activity=now.date())
            .returning(col(LoyaltyAccount.balance))
            .execution_options(synchronize_session=False)
        )
        left = deducted.scalar_one_or_none()
        if left is None:
            raise NotEnoughPoints(
                f"{reward} takes {wanted.points} points; the balance is "
                f"{await _balance(session, stored_id(account))}"
            )
        code = await _claim_code(session, reward, stored_id(account), now)
        if code is None:
            raise RewardSoldOut(f"no {reward} codes are left; nothing was deducted")
        entry = LoyaltyEntry(
            account_id=stored_id(account),
            occurred_on=now.date(),
            points=-wanted.points,
            reason="redemption",
            at=now,
            conversation_id=conversation_id,
            reward=reward,
            code=code,
        )
        detail = {"reward": reward, "points": wanted.points}
        log_change(session, entry, conversation, EventKind.POINTS_REDEEMED, detail, at=now)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return Redemption(reward, code, wanted.points, left, now)


async def _claim_code(
    session: AsyncSession, reward: str, account_id: int, now: datetime
) -> str | None:
    """Give the first free code of the pool to the account. PostgreSQL: SKIP LOCKED lets
    concurrent redemptions take different codes without waiting; SQLite: one writer at a time,
    and the UPDATE checks again that the code is still free."""
    free = col(LoyaltyCode.account_id).is_(None)
    chosen = select(LoyaltyCode.id).where(col(LoyaltyCode.reward) == reward, free)
    chosen = chosen.order_by(col(LoyaltyCode.id)).limit(1)
    if (await session.connection()).dialect.name == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True)
    claimed = await session.exec(
        update(LoyaltyCode)
        .where(col(LoyaltyCode.id).in_(chosen.scalar_subquery()), free)
        .values(account_id=account_id, redeemed_at=now)
        .returning(col(LoyaltyCode.code))
        .execution_options(synchronize_session=False)
    )
    return claimed.scalar_one_or_none()


async def _balance(session: AsyncSession, account_id: int) -> int:
    query = select(LoyaltyAccount.balance).where(LoyaltyAccount.id == account_id)
    return (await session.exec(query)).one()
