"""The points-expiry sweep: an account with points that expire within days_before (engagement.yml)
queues one reminder for that expiry day, due days_before it, at midnight where the shopper lives.
New activity moves the expiry: the next sweep queues a reminder for the new day."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import Clock
from helpdesk.database import Database
from helpdesk.followups.jobs import EXPIRY, FollowUp, dedupe_key, known_keys, queue_followup
from helpdesk.orders.models import LoyaltyAccount
from helpdesk.policies import engagement
from helpdesk.policies.loading import Policies
from helpdesk.policies.loyalty import points_expire_on
from helpdesk.policies.store import PolicyStore

# Reminders are queued this long before they fall due, so that each goes out at its midnight and
# not at the next turn of the sweep after it.
AHEAD = timedelta(days=7)


async def sweep(session: AsyncSession, policies: Policies, *, now: datetime) -> int:
    """Queue the reminders of the points expiring soon, once per account and day; commit."""
    policy = policies.engagement
    if not engagement.is_on(policy, EXPIRY, "email"):
        return 0
    today = now.date()
    horizon = today + timedelta(days=policy.messages.points_expiry_reminder.days_before) + AHEAD
    months = policies.loyalty.expiry_months
    # A month has 28 to 31 days: these bounds take every account whose expiry can fall between
    # today and the horizon; the exact day is computed below.
    query = select(LoyaltyAccount).where(
        col(LoyaltyAccount.balance) > 0,
        col(LoyaltyAccount.last_activity) <= horizon - timedelta(days=28 * months),
        col(LoyaltyAccount.last_activity) > today - timedelta(days=31 * months + 1),
    )
    due: list[tuple[LoyaltyAccount, str]] = []
    for account in (await session.exec(query)).all():
        assert account.last_activity is not None  # compared above
        expires_on = points_expire_on(policies.loyalty, account.last_activity)
        if today < expires_on <= horizon:
            due.append((account, expires_on.isoformat()))
    keys = [dedupe_key(EXPIRY, f"{account.id}:{day}") for account, day in due]
    seen = await known_keys(session, keys)
    queued = 0
    for (account, day), key in zip(due, keys, strict=True):
        if key in seen:
            continue
        zone = engagement.shopper_zone(policy, None, account.country)
        when = engagement.reminder_due(policy, datetime.fromisoformat(day).date(), zone) or now
        followup = FollowUp(message=EXPIRY, account_id=account.id, expires_on=day)
        queued += await queue_followup(session, followup, key=key, due_at=when, now=now)
    await session.commit()
    return queued


async def sweep_once(database: Database, policies: PolicyStore, clock: Clock) -> int:
    async with database.session() as session:
        return await sweep(session, policies.policies, now=clock.now())
