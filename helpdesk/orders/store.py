"""Writing orders: upsert whole orders by number, and apply one shipment update to a known order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import aware
from helpdesk.columns import stored_id
from helpdesk.errors import HelpdeskError
from helpdesk.orders.models import Order, OrderItem, OrderStatus, Shipment
from helpdesk.orders.records import OrderRecord, ShipmentRecord

CHUNK = 500  # SQLite refuses statements with too many bound parameters
FINAL = {OrderStatus.CANCELLED, OrderStatus.RETURNED}  # shipment news does not reopen these
AHEAD_OF_SHIPPED = {OrderStatus.IN_TRANSIT, OrderStatus.DELAYED, OrderStatus.DELIVERED}


class OrderNotFound(HelpdeskError):
    status = 404
    code = "order_not_found"


@dataclass(frozen=True)
class ImportSummary:
    new: int = 0
    updated: int = 0
    stale: int = 0  # a newer version was already stored: left as it was
    items: int = 0
    shipments: int = 0

    def __str__(self) -> str:
        stored = self.new + self.updated
        text = (
            f"{stored} {'order' if stored == 1 else 'orders'} imported: {self.new} new, "
            f"{self.updated} updated; {self.items} {'item' if self.items == 1 else 'items'}, "
            f"{self.shipments} {'shipment' if self.shipments == 1 else 'shipments'}"
        )
        return text + (
            f"; {self.stale} older than the stored version, left as they were" if self.stale else ""
        )


async def upsert_orders(
    session: AsyncSession, records: Sequence[OrderRecord], *, now: datetime
) -> ImportSummary:
    """Insert or update orders by number with their items and shipments, all in one transaction.

    An updated order's items and shipments are replaced by the record's. Commits on success; on
    any error nothing is written. A record without its own time of change is dated `now`.
    """
    try:
        summary = await _upsert(session, records, now=now)
        await session.commit()
    except Exception:
        await session.rollback()
        raise
    return summary


async def _upsert(
    session: AsyncSession, records: Sequence[OrderRecord], *, now: datetime
) -> ImportSummary:
    numbers = [r.order_number for r in records]
    if len(set(numbers)) != len(numbers):
        raise ValueError("upsert_orders needs distinct order numbers")
    existing = await _orders_by_number(session, numbers)
    written: list[tuple[Order, OrderRecord]] = []
    stale = 0
    for record in records:
        order = existing.get(record.order_number)
        if order is not None and _is_stale(order, record):
            stale += 1
            continue
        order = order or Order(
            number=record.order_number,
            email=record.email,
            postal_code=record.postal_code,
            country=record.country,
            currency=record.currency,
            placed_at=record.placed_at,
        )
        _copy(record, order, now)
        session.add(order)
        written.append((order, record))
    replaced = [order.id for order, _ in written if order.id is not None]
    for start in range(0, len(replaced), CHUNK):
        ids = replaced[start : start + CHUNK]
        await session.exec(delete(OrderItem).where(col(OrderItem.order_id).in_(ids)))
        await session.exec(delete(Shipment).where(col(Shipment.order_id).in_(ids)))
    await session.flush()  # new orders get their ids
    for order, record in written:
        order_id = stored_id(order)
        session.add_all(OrderItem(order_id=order_id, **i.model_dump()) for i in record.items)
        session.add_all(Shipment(order_id=order_id, **s.model_dump()) for s in record.shipments)
    return ImportSummary(
        new=len(written) - len(replaced),
        updated=len(replaced),
        stale=stale,
        items=sum(len(r.items) for _, r in written),
        shipments=sum(len(r.shipments) for _, r in written),
    )


async def _orders_by_number(session: AsyncSession, numbers: list[str]) -> dict[str, Order]:
    found: dict[str, Order] = {}
    for start in range(0, len(numbers), CHUNK):
        # FOR UPDATE: two writers of one order take turns (PostgreSQL; SQLite has one writer).
        query = (
            select(Order)
            .where(col(Order.number).in_(numbers[start : start + CHUNK]))
            .with_for_update()
        )
        found.update((order.number, order) for order in (await session.exec(query)).all())
    return found


def _is_stale(order: Order, record: OrderRecord) -> bool:
    return record.updated_at is not None and aware(order.updated_at) > record.updated_at


def _copy(record: OrderRecord, order: Order, now: datetime) -> None:
    for field in (
        "email",
        "postal_code",
        "country",
        "currency",
        "placed_at",
        "status",
        "payment_method",
        "shipping_option",
        "shipping_cost",
        "subtotal",
        "total",
        "customer_name",
        "source",
    ):
        setattr(order, field, getattr(record, field))
    # An import of an order that came from Shopify keeps the link its fulfillments are matched by.
    order.external_id = record.external_id or order.external_id
    order.updated_at = record.updated_at or now


async def apply_shipment(
    session: AsyncSession,
    *,
    order_external_id: str,
    shipment: ShipmentRecord,
    status: OrderStatus | None,
    removed: bool = False,
    changed_at: datetime | None = None,
) -> Order:
    """Add, update or remove (`removed`) one shipment of the order with that platform id.

    `status` is what this shipment's news means for the order (None: no change); the order keeps
    cancelled/returned. Raises OrderNotFound, changing nothing, when no order has that id.
    """
    query = select(Order).where(Order.external_id == order_external_id).with_for_update()
    order = (await session.exec(query)).first()
    if order is None:
        raise OrderNotFound(
            f"no order with Shopify id {order_external_id}: it may not have arrived yet"
        )
    order_id = stored_id(order)
    same_parcel = select(Shipment).where(
        Shipment.order_id == order_id, Shipment.external_id == shipment.external_id
    )
    stored = (await session.exec(same_parcel)).first()
    if removed:
        if stored is not None:
            await session.delete(stored)
    elif stored is None:
        session.add(Shipment(order_id=order_id, **shipment.model_dump()))
    else:
        for field, value in shipment.model_dump().items():
            setattr(stored, field, value)
        session.add(stored)
    if status == OrderStatus.DELIVERED and await _others_on_the_way(
        session, order_id, shipment.external_id
    ):
        status = (
            OrderStatus.IN_TRANSIT
        )  # one parcel of several arrived: the order is not delivered yet
    if status == OrderStatus.SHIPPED and order.status in AHEAD_OF_SHIPPED:
        status = None  # a parcel's first news (label, pick-up) says less than what is known
    if status is not None and order.status not in FINAL:
        order.status = status
    if changed_at is not None and changed_at > aware(order.updated_at):
        # An order payload older than this news would bring the shipment back out: keep it out.
        order.updated_at = changed_at
    session.add(order)
    await session.commit()
    return order


async def _others_on_the_way(session: AsyncSession, order_id: int, external_id: str | None) -> bool:
    query = select(Shipment).where(
        Shipment.order_id == order_id,
        col(Shipment.delivered_on).is_(None),
        col(Shipment.external_id).is_distinct_from(external_id),
    )
    return (await session.exec(query)).first() is not None
