"""The follow-ups' sweep over the orders: a parcel that shipped queues the thank-you, an order
delivered queues the check-in and the review request, each due the days engagement.yml gives
after the start of that day where the shopper lives (domestic or international)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import Clock
from helpdesk.database import Database
from helpdesk.followups.jobs import (
    CHECK_IN,
    REVIEW,
    THANK_YOU,
    FollowUp,
    dedupe_key,
    known_keys,
    queue_followup,
)
from helpdesk.orders.models import Order, OrderStatus, Shipment
from helpdesk.policies import engagement
from helpdesk.policies.engagement_schema import EngagementPolicy
from helpdesk.policies.store import PolicyStore

SWEEP_EVERY_SECONDS = 300
# Shipping or delivery older than this is old news (an import of last year's orders must not mail
# every shopper): it queues nothing.
LOOK_BACK = timedelta(days=7)
GONE = {OrderStatus.CANCELLED, OrderStatus.RETURNED}


def day_starts(policy: EngagementPolicy, day: date, country: str) -> datetime:
    """Midnight of `day` where the shopper lives, in UTC."""
    zone = engagement.shopper_zone(policy, None, country)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


async def _moments(session: AsyncSession, since: date) -> list[tuple[str, Order, date]]:
    """(message, order, day) for the parcels shipped and the orders delivered since `since`."""
    found: list[tuple[str, Order, date]] = []
    shipped = (
        select(Order, col(Shipment.shipped_on))
        .join(Shipment, col(Shipment.order_id) == col(Order.id))
        .where(col(Shipment.shipped_on) >= since, col(Order.status).not_in(GONE))
        .order_by(col(Shipment.shipped_on))
    )
    first: dict[str, tuple[Order, date]] = {}
    for order, day in (await session.exec(shipped)).all():
        if day is not None:
            first.setdefault(order.number, (order, day))
    found += [(THANK_YOU, order, day) for order, day in first.values()]
    delivered = (
        select(Order, col(Shipment.delivered_on))
        .join(Shipment, col(Shipment.order_id) == col(Order.id))
        .where(col(Shipment.delivered_on) >= since, col(Order.status) == OrderStatus.DELIVERED)
    )
    last: dict[str, tuple[Order, date]] = {}
    for order, day in (await session.exec(delivered)).all():
        if day is not None and (order.number not in last or day > last[order.number][1]):
            last[order.number] = (order, day)  # the order is delivered when its last parcel is
    found += [(m, order, day) for order, day in last.values() for m in (CHECK_IN, REVIEW)]
    return found


async def sweep(session: AsyncSession, policy: EngagementPolicy, *, now: datetime) -> int:
    """Queue the follow-ups of what shipped or arrived lately, once each, and commit; how many
    were queued now."""
    moments = [
        (message, order, day)
        for message, order, day in await _moments(session, (now - LOOK_BACK).date())
        if engagement.is_on(policy, message, "email")
    ]
    keys = [dedupe_key(message, order.number) for message, order, _ in moments]
    seen = await known_keys(session, keys)
    queued = 0
    for (message, order, day), key in zip(moments, keys, strict=True):
        if key in seen:
            continue
        moment = day_starts(policy, day, order.country)
        due = engagement.due_at(policy, message, moment=moment, country=order.country) or now
        followup = FollowUp(message=message, order_number=order.number)
        queued += await queue_followup(session, followup, key=key, due_at=due, now=now)
    await session.commit()
    return queued


async def sweep_once(database: Database, policies: PolicyStore, clock: Clock) -> int:
    """One turn of the background sweep, with the engagement rules as they are now."""
    async with database.session() as session:
        return await sweep(session, policies.policies.engagement, now=clock.now())
