"""Applying one verified Shopify webhook to the stored orders; re-delivery leaves the same state."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from helpdesk.database import Database
from helpdesk.orders.shopify import FULFILLMENT_TOPICS, ORDER_TOPICS, order_record, shipment_news
from helpdesk.orders.store import apply_shipment, upsert_orders

log = logging.getLogger(__name__)
TOPICS = ORDER_TOPICS | FULFILLMENT_TOPICS


async def receive(database: Database, topic: str, payload: object) -> dict[str, str]:
    """Store what an orders/* or fulfillments/* payload says; what happened, for the response.

    Raises BadPayload (400) for a payload that cannot be read, OrderNotFound (404) for a
    fulfillment of an order not stored (yet: Shopify retries, and the order may arrive first).
    """
    if topic in ORDER_TOPICS:
        record = order_record(payload)
        for attempt in (1, 2):
            try:
                async with database.session() as session:
                    summary = await upsert_orders(session, [record])
                break
            except IntegrityError:
                # Two deliveries inserted the same new order at once: the second now updates it.
                if attempt == 2:
                    raise
        outcome = "stale" if summary.stale else "created" if summary.new else "updated"
        log.info("shopify %s: order %s %s", topic, record.order_number, outcome)
        return {"order": record.order_number, "outcome": outcome}
    if topic in FULFILLMENT_TOPICS:
        news = shipment_news(payload)
        async with database.session() as session:
            order = await apply_shipment(session, order_external_id=news.order_external_id,
                                         shipment=news.shipment, status=news.status,
                                         removed=news.removed, changed_at=news.changed_at)
        outcome = "shipment removed" if news.removed else "shipment stored"
        log.info("shopify %s: order %s %s", topic, order.number, outcome)
        return {"order": order.number, "outcome": outcome}
    raise ValueError(f"not a topic this service handles: {topic}")
