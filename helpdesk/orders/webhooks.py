"""Applying one verified Shopify webhook to the stored orders; re-delivery leaves the same state."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from helpdesk.database import Database
from helpdesk.orders import fulfillment_events
from helpdesk.orders.models import ShopifyDelivery
from helpdesk.orders.shopify import (
    FULFILLMENT_TOPICS,
    ORDER_TOPICS,
    BadPayload,
    order_record,
    shipment_news,
)
from helpdesk.orders.store import apply_shipment, upsert_orders

log = logging.getLogger(__name__)
TOPICS = ORDER_TOPICS | FULFILLMENT_TOPICS | {fulfillment_events.TOPIC}


async def receive(
    database: Database, topic: str, payload: object, *, now: datetime, webhook_id: str | None = None
) -> dict[str, str]:
    """Store what an orders/*, fulfillments/* or fulfillment_events/create payload says, once per
    webhook id; what happened, for the response.

    Raises BadPayload (400) for a payload that cannot be read, OrderNotFound (404) for a
    fulfillment of an order not stored (yet: Shopify retries, and the order may arrive first).
    """
    if webhook_id and await _already_applied(database, webhook_id):
        log.info("shopify %s: delivery %s was applied before; ignored", topic, webhook_id)
        return {"outcome": "duplicate"}
    applied = await _apply(database, topic, payload, now)
    if webhook_id:
        await _remember(database, webhook_id, topic, now)
    return applied


async def _already_applied(database: Database, webhook_id: str) -> bool:
    async with database.session() as session:
        return await session.get(ShopifyDelivery, webhook_id) is not None


async def _remember(database: Database, webhook_id: str, topic: str, now: datetime) -> None:
    """Recorded only once applied: Shopify retries a failed delivery with the same id."""
    try:
        async with database.session() as session:
            session.add(ShopifyDelivery(webhook_id=webhook_id, topic=topic, received_at=now))
            await session.commit()
    except IntegrityError:
        pass  # the same delivery, applied at the same moment on another replica


def _read(parse, payload: object):
    """A payload of the wrong shape deep inside (a number where a name goes, say) is the
    sender's mistake, not ours: 400 naming it."""
    try:
        return parse(payload)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, ArithmeticError) as error:
        raise BadPayload(
            f"the payload could not be read as a Shopify {parse.__name__.split('_')[0]}: "
            f"{type(error).__name__}: {str(error)[:200]}"
        ) from None


async def _apply(database: Database, topic: str, payload: object, now: datetime) -> dict[str, str]:
    if topic in ORDER_TOPICS:
        record = _read(order_record, payload)
        for attempt in (1, 2):
            try:
                async with database.session() as session:
                    summary = await upsert_orders(session, [record], now=now)
                break
            except IntegrityError:
                # Two deliveries inserted the same new order at once: the second now updates it.
                if attempt == 2:
                    raise
        outcome = "stale" if summary.stale else "created" if summary.new else "updated"
        log.info("shopify %s: order %s %s", topic, record.order_number, outcome)
        return {"order": record.order_number, "outcome": outcome}
    if topic in FULFILLMENT_TOPICS:
        news = _read(shipment_news, payload)
        async with database.session() as session:
            order = await apply_shipment(
                session,
                order_external_id=news.order_external_id,
                shipment=news.shipment,
                status=news.status,
                removed=news.removed,
                changed_at=news.changed_at,
            )
        outcome = "shipment removed" if news.removed else "shipment stored"
        log.info("shopify %s: order %s %s", topic, order.number, outcome)
        return {"order": order.number, "outcome": outcome}
    if topic == fulfillment_events.TOPIC:
        event = fulfillment_events.read_event(payload)
        async with database.session() as session:
            applied = await fulfillment_events.apply_event(session, event, now=now)
        log.info("shopify %s: order %s %s", topic, applied["order"], applied["outcome"])
        return applied
    raise ValueError(f"not a topic this service handles: {topic}")
