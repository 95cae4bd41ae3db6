"""Shopify's fulfillment_events/create: a carrier's news about one parcel. Delayed, failed or
attempted delivery marks the order late and queues one delay notice per event."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.columns import stored_id
from helpdesk.delays.jobs import DelayNotice, Lateness, queue_notice
from helpdesk.orders.models import Order, OrderStatus, Shipment
from helpdesk.orders.shopify import BadPayload
from helpdesk.orders.store import OrderNotFound

TOPIC = "fulfillment_events/create"
LATE = {Lateness.DELAYED, Lateness.FAILURE, Lateness.ATTEMPTED_DELIVERY}
# An order in these states is past caring about a parcel's lateness.
SETTLED = {OrderStatus.DELIVERED, OrderStatus.RETURNED, OrderStatus.CANCELLED}


def _shopify_id(value: Any) -> Any:
    """Shopify's ids are JSON numbers; a number is kept as its digits (never a float)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


ShopifyId = Annotated[
    str, BeforeValidator(_shopify_id), Field(min_length=1, max_length=64, pattern=r"^[0-9]+$")
]


class FulfillmentEvent(BaseModel):
    """The fields we use of Shopify's fulfillment event (REST webhook format); others ignored."""

    model_config = ConfigDict(extra="ignore")

    id: ShopifyId
    order_id: ShopifyId
    fulfillment_id: ShopifyId
    status: Annotated[str, Field(min_length=1, max_length=64)]
    estimated_delivery_at: datetime | None = None


def read_event(payload: object) -> FulfillmentEvent:
    """The event, or BadPayload (400) naming what is wrong."""
    try:
        return FulfillmentEvent.model_validate(payload)
    except ValidationError as error:
        said = "; ".join(
            f"{'.'.join(map(str, problem['loc'])) or 'body'}: {problem['msg']}"
            for problem in error.errors()[:5]
        )
        raise BadPayload(f"the payload is not a Shopify fulfillment event: {said}") from None


async def apply_event(
    session: AsyncSession, event: FulfillmentEvent, *, now: datetime
) -> dict[str, str]:
    """Apply one event and commit: a late parcel's new estimate stored, the order marked
    delayed, and its notice queued (once per event id, however often Shopify sends it)."""
    query = select(Order).where(col(Order.external_id) == event.order_id).with_for_update()
    order = (await session.exec(query)).first()
    if order is None:  # Shopify retries: the order may arrive first
        raise OrderNotFound(
            f"no order with Shopify id {event.order_id}: it may not have arrived yet"
        )
    if event.status not in LATE:
        return {"order": order.number, "outcome": "event noted"}
    shipment = (
        await session.exec(
            select(Shipment).where(
                col(Shipment.order_id) == stored_id(order),
                col(Shipment.external_id) == event.fulfillment_id,
            )
        )
    ).first()
    estimate = _day(event.estimated_delivery_at)
    if shipment is not None and estimate is not None and shipment.delivered_on is None:
        shipment.estimated_delivery = estimate
        session.add(shipment)
    if order.status not in SETTLED:
        order.status, order.updated_at = OrderStatus.DELAYED, now
        session.add(order)
    notice = DelayNotice(
        order_number=order.number,
        shipment_id=shipment.id if shipment is not None else None,
        reason=Lateness(event.status),
        new_estimate=estimate,
    )
    queued = await queue_notice(session, notice, event=f"event:{event.id}", due_at=now, now=now)
    await session.commit()
    return {"order": order.number, "outcome": "delay notice queued" if queued else "duplicate"}


def _day(moment: datetime | None) -> date | None:
    """The day as the carrier wrote it (in its own offset): the day the shopper was promised."""
    return moment.date() if moment is not None else None
