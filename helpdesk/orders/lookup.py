"""Reading orders with what belongs to them: items, shipments, returns."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.orders.models import Order, OrderItem, OrderReturn, Shipment


@dataclass(frozen=True)
class OrderView:
    order: Order
    items: list[OrderItem]
    shipments: list[Shipment]
    returns: list[OrderReturn]

    @property
    def latest_shipment(self) -> Shipment | None:
        return self.shipments[-1] if self.shipments else None


async def order_view(session: AsyncSession, order: Order) -> OrderView:
    items = await session.exec(
        select(OrderItem).where(OrderItem.order_id == order.id).order_by(col(OrderItem.id))
    )
    shipments = await session.exec(
        select(Shipment).where(Shipment.order_id == order.id).order_by(col(Shipment.id))
    )
    returns = await session.exec(
        select(OrderReturn).where(OrderReturn.order_id == order.id).order_by(col(OrderReturn.id))
    )
    return OrderView(order, list(items), list(shipments), list(returns))


async def latest_order_of(session: AsyncSession, email: str) -> Order | None:
    query = select(Order).where(Order.email == email).order_by(col(Order.placed_at).desc())
    return (await session.exec(query)).first()


async def existing_numbers(session: AsyncSession, numbers: Collection[str]) -> set[str]:
    """Which of `numbers` are orders of the shop."""
    if not numbers:
        return set()
    found = await session.exec(select(Order.number).where(col(Order.number).in_(list(numbers))))
    return set(found.all())
