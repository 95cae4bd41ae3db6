"""The late sweep: a parcel whose estimated delivery passed (midnight where the shopper lives)
without delivery is late; one delay notice is queued per estimate that passes, due after the
days engagement.yml gives, and the order is marked delayed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import Clock
from helpdesk.database import Database
from helpdesk.delays.jobs import DELAY_JOB, DelayNotice, Lateness, queue_notice
from helpdesk.orders.fulfillment_events import SETTLED
from helpdesk.orders.models import Order, OrderStatus, Shipment
from helpdesk.policies import engagement
from helpdesk.policies.engagement_schema import EngagementPolicy
from helpdesk.policies.store import PolicyStore

SWEEP_EVERY_SECONDS = 300
# An estimate that passed longer ago than this is old news, not a notice (an import of old
# orders without delivery dates must not mail every shopper at once).
LOOK_BACK = timedelta(days=30)
# Still on its way: a parcel of an order in another state is not late (or no longer matters).
ON_ITS_WAY = {OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT}


def estimate_passed(policy: EngagementPolicy, shipment: Shipment, country: str) -> datetime:
    """The end of the estimated day where the shopper lives, in UTC (SQLite would store a local
    time as it reads, without its offset)."""
    assert shipment.estimated_delivery is not None
    zone = engagement.shopper_zone(policy, None, country)
    next_day = shipment.estimated_delivery + timedelta(days=1)
    return datetime.combine(next_day, time(0), tzinfo=zone).astimezone(UTC)


async def sweep(session: AsyncSession, policy: EngagementPolicy, *, now: datetime) -> int:
    """Queue the notices of the parcels that became late, and commit; how many were queued."""
    if not engagement.is_on(policy, DELAY_JOB):
        return 0
    query = (
        select(Shipment, Order)
        .join(Order, col(Order.id) == col(Shipment.order_id))
        .where(
            col(Shipment.delivered_on).is_(None),
            col(Shipment.estimated_delivery) >= (now - LOOK_BACK).date(),
            col(Shipment.estimated_delivery) <= now.date(),  # a zone may be ahead of UTC
            col(Order.status).not_in(SETTLED),
        )
    )
    queued = 0
    for shipment, order in (await session.exec(query)).all():
        passed = estimate_passed(policy, shipment, order.country)
        if passed > now:
            continue
        due = engagement.due_at(policy, DELAY_JOB, moment=passed, country=order.country) or now
        notice = DelayNotice(
            order_number=order.number,
            shipment_id=shipment.id,
            reason=Lateness.ESTIMATE_PASSED,
            passed_estimate=shipment.estimated_delivery,
        )
        event = f"estimate:{shipment.id}:{shipment.estimated_delivery}"
        if await queue_notice(session, notice, event=event, due_at=due, now=now):
            queued += 1
            if order.status in ON_ITS_WAY:
                order.status, order.updated_at = OrderStatus.DELAYED, now
                session.add(order)
    await session.commit()
    return queued


async def sweep_once(database: Database, policies: PolicyStore, clock: Clock) -> int:
    """One turn of the background sweep, with the engagement rules as they are now."""
    async with database.session() as session:
        return await sweep(session, policies.policies.engagement, now=clock.now())
