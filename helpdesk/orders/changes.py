"""What the bot may change itself: cancel an unpaid order, register a return."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.columns import stored_id
from helpdesk.orders.lookup import OrderView
from helpdesk.orders.models import Order, OrderItem, OrderReturn, OrderStatus
from helpdesk.policies.returns import ReturnItem, return_eligibility
from helpdesk.policies.returns_schema import ReturnsPolicy

# Before payment nothing was charged and nothing packed: the bot cancels by itself. A paid order
# needs a person (refund, warehouse); a shipped one can't be cancelled, only returned.
SELF_SERVICE_CANCEL = {OrderStatus.PLACED}
CANCELLABLE_BY_A_PERSON = {OrderStatus.PAID}
CHANGEABLE = {OrderStatus.PLACED, OrderStatus.PAID}


async def cancel_unpaid_order(session: AsyncSession, order: Order, *, now: datetime) -> None:
    if order.status not in SELF_SERVICE_CANCEL:
        raise ValueError(f"order {order.number} is {order.status}; only unpaid orders cancel here")
    order.status = OrderStatus.CANCELLED
    order.updated_at = now
    session.add(order)
    await session.commit()


def item_eligibility(policy: ReturnsPolicy, view: OrderView, item: OrderItem, *, today: date):
    shipment = view.latest_shipment
    return return_eligibility(
        policy,
        view.order.country,
        ReturnItem(item.sku, item.category, item.final_sale),
        delivered_on=shipment.delivered_on if shipment else None,
        today=today,
    )


def already_returned(view: OrderView) -> set[str]:
    return {line["sku"] for ret in view.returns for line in ret.items}


async def create_return(
    session: AsyncSession, view: OrderView, item: OrderItem, *, reason: str = ""
) -> OrderReturn:
    """Register a return of one item; its RMA number is RMA-<order>-<n>."""
    order_id = stored_id(view.order)
    count = (
        await session.exec(
            select(func.count()).select_from(OrderReturn).where(OrderReturn.order_id == order_id)
        )
    ).one()
    created = OrderReturn(
        rma=f"RMA-{view.order.number}-{count + 1}",
        order_id=order_id,
        items=[{"sku": item.sku, "quantity": item.quantity}],
        reason=reason,
        refund_amount=item.unit_price * item.quantity,
    )
    session.add(created)
    await session.commit()
    return created
