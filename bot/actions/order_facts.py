"""What the bot says about an order's status: a response name and its variables (pure)."""

from __future__ import annotations

from datetime import date

from helpdesk.orders.lookup import OrderView
from helpdesk.orders.models import OrderStatus
from helpdesk.policies.loading import Policies
from helpdesk.policies.shipping import delivery_window, tracking_url

RESPONSES = {
    OrderStatus.PLACED: "utter_order_placed",
    OrderStatus.PAID: "utter_order_paid",
    OrderStatus.SHIPPED: "utter_order_in_transit",
    OrderStatus.IN_TRANSIT: "utter_order_in_transit",
    OrderStatus.DELAYED: "utter_order_delayed",
    OrderStatus.DELIVERED: "utter_order_delivered",
    OrderStatus.RETURNED: "utter_order_returned",
    OrderStatus.CANCELLED: "utter_order_cancelled",
}


def order_status_reply(view: OrderView, policies: Policies, *, today: date) -> tuple[str, dict]:
    order, shipment = view.order, view.latest_shipment
    facts: dict = {
        "order_number": order.number,
        "placed_on": order.placed_at.date().isoformat(),
        "total": f"{order.total} {order.currency}",
    }
    if shipment is not None:
        carrier = policies.shipping.carriers.get(shipment.carrier)
        facts["carrier"] = carrier.name if carrier else shipment.carrier
        facts["tracking_number"] = shipment.tracking_number
        facts["tracking_url"] = (
            tracking_url(policies.shipping, shipment.carrier, shipment.tracking_number)
            if carrier
            else ""
        )
        if shipment.delivered_on:
            facts["delivered_on"] = shipment.delivered_on.isoformat()
    if order.status not in (OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.RETURNED):
        earliest, latest = _window(view, policies)
        facts["window_start"], facts["window_end"] = earliest.isoformat(), latest.isoformat()
        # The carrier's estimate is one day: "on the 26th", never "between the 26th and the 26th".
        facts["arrival_key"] = "arrival_on" if earliest == latest else "arrival_between"
        if order.status == OrderStatus.DELAYED or latest < today:
            return ("utter_order_delayed" if shipment else "utter_order_delayed_unshipped"), facts
    return RESPONSES[OrderStatus(order.status)], facts


def _window(view: OrderView, policies: Policies) -> tuple[date, date]:
    """The carrier's estimate when there is one, else the shipping policy's transit times."""
    shipment = view.latest_shipment
    if shipment is not None and shipment.estimated_delivery is not None:
        return shipment.estimated_delivery, shipment.estimated_delivery
    window = delivery_window(
        policies.shipping,
        view.order.country,
        view.order.shipping_option,
        placed_on=view.order.placed_at.date(),
        shipped_on=shipment.shipped_on if shipment else None,
    )
    return window.earliest, window.latest
