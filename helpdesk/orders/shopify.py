"""Shopify webhooks: the signature check, and its order and fulfillment payloads as our records."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from helpdesk.clock import aware
from helpdesk.errors import BadRequest
from helpdesk.orders.models import OrderStatus
from helpdesk.orders.records import OrderRecord, ShipmentRecord, carrier_key

ORDER_TOPICS = frozenset(
    {
        "orders/create",
        "orders/updated",
        "orders/paid",
        "orders/cancelled",
        "orders/fulfilled",
        "orders/partially_fulfilled",
    }
)  # all carry the whole order
FULFILLMENT_TOPICS = frozenset({"fulfillments/create", "fulfillments/update"})
GONE = {"cancelled", "error", "failure"}  # fulfillment statuses: that parcel is not on its way
# shipment_status (the carrier's news) -> order status; anything else (label_printed...) is shipped
SHIPMENT_NEWS = {
    "in_transit": OrderStatus.IN_TRANSIT,
    "out_for_delivery": OrderStatus.IN_TRANSIT,
    "ready_for_pickup": OrderStatus.IN_TRANSIT,
    "delivered": OrderStatus.DELIVERED,
    "attempted_delivery": OrderStatus.DELAYED,
    "failure": OrderStatus.DELAYED,
    "delayed": OrderStatus.DELAYED,
}
# payment_gateway_names -> payment method names of policies/payments.yml; other gateways: card
GATEWAYS = {
    "paypal": "paypal",
    "klarna": "klarna",
    "ideal": "ideal",
    "bancontact": "bancontact",
    "apple": "apple_pay",
    "google": "google_pay",
    "pix": "pix",
    "boleto": "boleto",
    "alipay": "alipay",
    "wechat": "wechat_pay",
    "unionpay": "unionpay",
}
# Where our field names come from, to word a bad payload in Shopify's terms.
SHOPIFY_NAMES = {
    "order_number": "order_number",
    "postal_code": "shipping_address.zip",
    "country": "shipping_address.country_code",
    "currency": "presentment_currency",
    "placed_at": "created_at",
    "shipping_cost": "total_shipping_price_set",
    "subtotal": "subtotal_price",
    "total": "total_price",
    "items": "line_items",
    "name": "title",
    "unit_price": "price",
    "carrier": "tracking_company",
}


class BadPayload(BadRequest):
    """A signed payload we cannot read as a Shopify order or fulfillment."""

    code = "bad_payload"


def verify_hmac(secret: str, raw_body: bytes, header_value: str | None) -> bool:
    """Whether X-Shopify-Hmac-Sha256 is the base64 HMAC-SHA256 of the raw body under `secret`."""
    if not secret or not header_value:
        return False  # no secret configured: nothing can be trusted
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest), header_value.strip().encode())


def order_record(payload: Any) -> OrderRecord:
    """An orders/* payload as an order record, or BadPayload naming what is wrong."""
    payload = _object(payload, "the body")
    address = _address(payload)
    customer = _object(payload.get("customer") or {}, "customer")
    full_name = " ".join(filter(None, (customer.get("first_name"), customer.get("last_name"))))
    fulfillments = [_object(f, "fulfillments[]") for f in payload.get("fulfillments") or []]
    live = [f for f in fulfillments if f.get("status") not in GONE]
    fields = {
        "order_number": payload.get("order_number") or str(payload.get("name") or "").lstrip("#"),
        "email": payload.get("email")
        or payload.get("contact_email")
        or customer.get("email")
        or "",
        "postal_code": address.get("zip") or "",  # digital-only orders have no address
        "country": address.get("country_code"),
        "currency": payload.get("presentment_currency") or payload.get("currency"),
        "placed_at": payload.get("created_at"),
        "status": order_status(payload, live),
        "payment_method": payment_method(payload.get("payment_gateway_names") or []),
        "shipping_option": shipping_option(payload.get("shipping_lines") or []),
        "shipping_cost": _amount(payload, "total_shipping_price") or _shipping_lines(payload),
        "subtotal": _amount(payload, "subtotal_price"),
        "total": _amount(payload, "total_price"),
        "customer_name": address.get("name") or full_name or None,
        "items": [_item(_object(line, "line_items[]")) for line in payload.get("line_items") or []],
        "shipments": [shipment_record(f) for f in live],
        "source": "shopify",
        "external_id": _id(payload, "id"),
        "updated_at": payload.get("updated_at"),
    }
    return _validated(OrderRecord, fields)


@dataclass(frozen=True)
class ShipmentNews:
    """A fulfillments/* payload: which order, the parcel, and what it means for the order."""

    order_external_id: str
    shipment: ShipmentRecord
    status: OrderStatus | None
    removed: bool
    changed_at: datetime | None


def shipment_news(payload: Any) -> ShipmentNews:
    payload = _object(payload, "the body")
    removed = payload.get("status") in GONE
    news = _news(payload.get("shipment_status"))
    return ShipmentNews(
        order_external_id=_id(payload, "order_id"),
        shipment=shipment_record(payload),
        status=None if removed else news,
        removed=removed,
        changed_at=_moment(payload.get("updated_at")),
    )


def shipment_record(fulfillment: dict) -> ShipmentRecord:
    numbers = fulfillment.get("tracking_numbers") or [""]
    delivered = fulfillment.get("shipment_status") == "delivered"
    return _validated(
        ShipmentRecord,
        {
            "carrier": carrier_key(fulfillment.get("tracking_company")),
            "tracking_number": fulfillment.get("tracking_number") or numbers[0] or "",
            "shipped_on": _day(fulfillment.get("created_at")),
            "estimated_delivery": _day(fulfillment.get("estimated_delivery_at")),
            "delivered_on": _day(fulfillment.get("updated_at")) if delivered else None,
            "external_id": _id(fulfillment, "id"),
        },
    )


def order_status(payload: dict, live_fulfillments: list[dict]) -> OrderStatus:
    financial, fulfilled = payload.get("financial_status"), payload.get("fulfillment_status")
    if payload.get("cancelled_at") or financial == "voided":
        return OrderStatus.CANCELLED
    if financial == "refunded":
        return OrderStatus.RETURNED  # refunded in full without a cancellation: the goods came back
    news = [_news(f.get("shipment_status")) for f in live_fulfillments]
    if OrderStatus.DELAYED in news:
        return OrderStatus.DELAYED
    if news and set(news) == {OrderStatus.DELIVERED} and fulfilled != "partial":
        return OrderStatus.DELIVERED
    if OrderStatus.IN_TRANSIT in news or OrderStatus.DELIVERED in news:
        return OrderStatus.IN_TRANSIT
    if news or fulfilled in ("fulfilled", "partial"):
        return OrderStatus.SHIPPED
    if financial in ("paid", "partially_paid", "partially_refunded"):
        return OrderStatus.PAID
    return OrderStatus.PLACED


def _news(shipment_status: Any) -> OrderStatus:
    """What a parcel's shipment_status says of its order: shipped, unless it says more."""
    if not isinstance(shipment_status, str):
        return OrderStatus.SHIPPED  # no news yet (null)
    return SHIPMENT_NEWS.get(shipment_status, OrderStatus.SHIPPED)


def payment_method(gateways: list[str]) -> str:
    names = " ".join(str(g).lower() for g in gateways)
    return next((method for word, method in GATEWAYS.items() if word in names), "card")


def shipping_option(lines: list[dict]) -> str:
    words = " ".join(
        f"{line.get('title') or ''} {line.get('code') or ''}".lower()
        for line in lines
        if isinstance(line, dict)
    )
    if "express" in words:
        return "express"
    return (
        "pickup"
        if any(w in words for w in ("pickup", "pick up", "pick-up", "collect"))
        else "standard"
    )


def _item(line: dict) -> dict:
    return {
        "sku": line.get("sku") or f"shopify-{line.get('variant_id') or line.get('id')}",
        "name": line.get("title") or line.get("name"),
        "quantity": line.get("quantity"),
        "unit_price": _amount(line, "price"),
        "category": "gift_card" if line.get("gift_card") else "",
    }


def _address(payload: dict) -> dict:
    customer = payload.get("customer")
    if not isinstance(customer, dict):
        customer = {}
    for candidate in (
        payload.get("shipping_address"),
        payload.get("billing_address"),
        customer.get("default_address"),
    ):
        if isinstance(candidate, dict) and candidate.get("country_code"):
            return candidate
    return {}


def _amount(container: dict, key: str) -> Any:
    """The amount the shopper saw (presentment money) when Shopify states it, else the plain one."""
    money = container.get(f"{key}_set")
    if isinstance(money, dict) and isinstance(money.get("presentment_money"), dict):
        return money["presentment_money"].get("amount")
    return container.get(key)


def _shipping_lines(payload: dict) -> Any:
    try:
        return sum(
            (
                Decimal(str(_amount(line, "price") or 0))
                for line in payload.get("shipping_lines") or []
            ),
            Decimal("0"),
        )
    except (InvalidOperation, TypeError, AttributeError):
        raise BadPayload("shipping_lines[].price must be amounts of money such as 4.95") from None


def _moment(value: Any, *, utc: bool = True) -> datetime | None:
    if not value:
        return None
    try:
        moment = aware(datetime.fromisoformat(str(value)))
    except ValueError:
        raise BadPayload(f"{value!r} is not an ISO 8601 date and time") from None
    return moment.astimezone(UTC) if utc else moment


def _day(value: Any) -> date | None:
    moment = _moment(value, utc=False)
    return moment.date() if moment else None  # the day as the shop's clock saw it


def _id(payload: dict, key: str) -> str:
    value = payload.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip():
        raise BadPayload(f"{key} is required: Shopify's numeric id")
    return str(value).strip()


def _object(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise BadPayload(f"{what} must be a JSON object")
    return value


def _validated(model, fields: dict):
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as error:
        raise BadPayload("; ".join(_describe(e) for e in error.errors())) from None


def _describe(error: ErrorDetails) -> str:
    where = ".".join(
        SHOPIFY_NAMES.get(p, p) if isinstance(p, str) else f"[{p}]" for p in error["loc"]
    )
    return f"{where} {'is required' if error['type'] == 'missing' else error['msg']}".replace(
        ".[", "["
    )
