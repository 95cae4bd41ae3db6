"""Shopify webhooks: the HMAC check, and orders/* and fulfillments/* payloads read as records."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from helpdesk.orders.models import OrderStatus
from helpdesk.orders.records import carrier_key
from helpdesk.orders.shopify import (
    BadPayload,
    order_record,
    payment_method,
    shipment_news,
    shipping_option,
    verify_hmac,
)

PAYLOADS = Path(__file__).parent / "payloads"
SECRET = "shpss_test_0123456789abcdef"


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"), parse_float=Decimal)


def signature(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_hmac_good_bad_and_missing():
    body = (PAYLOADS / "orders_create.json").read_bytes()
    assert verify_hmac(SECRET, body, signature(body))
    assert verify_hmac(SECRET, body, f" {signature(body)}\n")  # header whitespace
    assert not verify_hmac(SECRET, body + b" ", signature(body))  # the body changed
    assert not verify_hmac(SECRET, body, signature(body, "another-secret"))
    assert not verify_hmac(SECRET, body, None)
    assert not verify_hmac(SECRET, body, "")
    assert not verify_hmac(SECRET, body, "not base64 at all")
    assert not verify_hmac("", body, signature(body, ""))  # no secret configured: never trusted


def test_orders_create_as_a_record():
    record = order_record(payload("orders_create"))
    assert (
        record.order_number,
        record.email,
        record.postal_code,
        record.country,
        record.currency,
    ) == ("10046", "ana.silva@example.com", "1016GV", "NL", "EUR")
    assert (record.subtotal, record.shipping_cost, record.total) == (
        Decimal("144.90"),
        Decimal("0.00"),
        Decimal("144.90"),
    )
    assert (record.status, record.payment_method, record.shipping_option) == (
        "paid",
        "card",
        "standard",
    )
    assert (record.source, record.external_id, record.customer_name) == (
        "shopify",
        "5512345678901",
        "Ana Silva",
    )
    assert [(i.sku, i.name, i.quantity, i.unit_price, i.category) for i in record.items] == [
        ("LS-BLUE-M", "Linen shirt - Blue / M", 2, Decimal("59.95"), ""),
        ("GIFT-25", "Gift card EUR 25", 1, Decimal("25.00"), "gift_card"),
    ]
    assert record.placed_at.isoformat() == "2025-03-14T09:21:07+00:00" and record.shipments == []


def test_orders_updated_carries_its_fulfillments():
    record = order_record(payload("orders_updated"))
    assert record.status == "in_transit"
    assert [
        (s.carrier, s.tracking_number, s.shipped_on, s.external_id) for s in record.shipments
    ] == [("postnl", "3SATNR0123456789", date(2025, 3, 15), "4391234567890")]


def test_fulfillment_payloads_as_shipment_news():
    created, updated = (
        shipment_news(payload("fulfillments_create")),
        shipment_news(payload("fulfillments_update")),
    )
    assert (created.order_external_id, created.status, created.removed) == (
        "5512345678901",
        "shipped",
        False,
    )
    assert created.shipment.carrier == "postnl" and created.shipment.delivered_on is None
    assert (updated.status, updated.shipment.delivered_on) == ("delivered", date(2025, 3, 17))
    cancelled = dict(payload("fulfillments_update"), status="cancelled")
    assert shipment_news(cancelled).removed and shipment_news(cancelled).status is None


@pytest.mark.parametrize(
    ("changes", "fulfillments", "expected"),
    [
        ({"financial_status": "pending"}, [], OrderStatus.PLACED),
        ({"financial_status": "authorized"}, [], OrderStatus.PLACED),
        ({"financial_status": "partially_refunded"}, [], OrderStatus.PAID),
        (
            {"cancelled_at": "2025-03-14T12:00:00+01:00", "cancel_reason": "customer"},
            [],
            OrderStatus.CANCELLED,
        ),
        ({"financial_status": "voided"}, [], OrderStatus.CANCELLED),
        ({"financial_status": "refunded"}, [], OrderStatus.RETURNED),
        ({"fulfillment_status": "fulfilled"}, [], OrderStatus.SHIPPED),
        ({"fulfillment_status": "fulfilled"}, [None], OrderStatus.SHIPPED),
        ({"fulfillment_status": "fulfilled"}, ["out_for_delivery"], OrderStatus.IN_TRANSIT),
        ({"fulfillment_status": "fulfilled"}, ["delivered", "failure"], OrderStatus.DELAYED),
        ({"fulfillment_status": "fulfilled"}, ["delivered", "delivered"], OrderStatus.DELIVERED),
        ({"fulfillment_status": "partial"}, ["delivered"], OrderStatus.IN_TRANSIT),
    ],
)
def test_order_status_from_shopify_states(changes, fulfillments, expected):
    body = payload("orders_updated")
    template = body["fulfillments"][0]
    body["fulfillments"] = [
        dict(template, id=n, shipment_status=s) for n, s in enumerate(fulfillments, 1)
    ]
    assert order_record({**body, "fulfillment_status": None, **changes}).status == expected


def test_cancelled_fulfillments_are_no_shipments():
    body = payload("orders_updated")
    body["fulfillments"][0]["status"] = "cancelled"
    assert order_record(body).shipments == []


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("DHL Express", "dhl"),
        ("DHL eCommerce", "dhl"),
        ("UPS", "ups"),
        ("PostNL", "postnl"),
        ("PostNL International", "postnl"),
        ("Royal Mail", "royal_mail"),
        ("Correios", "correios"),
        ("SF Express", "sf_express"),
        ("  sf   express ", "sf_express"),
        ("Canada Post", "canada_post"),
        ("La Poste / Colissimo", "la_poste_colissimo"),
        (None, "unknown"),
        ("", "unknown"),
    ],
)
def test_carrier_names_become_shipping_yml_keys(name, key):
    assert carrier_key(name) == key


def test_payment_method_and_shipping_option_names():
    assert payment_method(["shopify_payments"]) == "card"
    assert payment_method(["PayPal Express Checkout"]) == "paypal"
    assert payment_method(["Klarna"]) == "klarna"
    assert payment_method([]) == "card"
    assert shipping_option([{"title": "DHL Express (1-2 days)", "code": "EXP"}]) == "express"
    assert shipping_option([{"title": "Pick up at a PostNL point", "code": None}]) == "pickup"
    assert shipping_option([]) == "standard"


def test_the_amounts_the_shopper_saw_in_their_currency():
    body = copy.deepcopy(payload("orders_create"))
    body["currency"], body["presentment_currency"] = "USD", "EUR"  # a US shop selling in euros
    body["total_price"] = "160.12"
    body["total_price_set"]["shop_money"] = {"amount": "160.12", "currency_code": "USD"}
    assert (order_record(body).currency, order_record(body).total) == ("EUR", Decimal("144.90"))


def test_the_number_from_the_name_and_shipping_from_the_lines():
    body = payload("orders_create")
    del body["order_number"], body["total_shipping_price_set"]
    body["shipping_lines"][0]["price_set"]["presentment_money"]["amount"] = "4.95"
    record = order_record(body)
    assert (record.order_number, record.shipping_cost) == ("10046", Decimal("4.95"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.pop("id"), "id is required: Shopify's numeric id"),
        (
            lambda b: b["line_items"][0]["price_set"]["presentment_money"].update(amount="cheap"),
            "line_items[0].price must be an amount of money such as 4.95 (0 or more, at most 2 decimals), got 'cheap'",
        ),
        (
            lambda b: b.update(currency=None, presentment_currency=None),
            "presentment_currency is required",
        ),
        (
            lambda b: b.update(shipping_address=None, billing_address=None, customer=None),
            "shipping_address.country_code is required",
        ),
        (lambda b: b.update(line_items="none"), "line_items[] must be a JSON object"),
    ],
)
def test_unreadable_order_payloads_say_what_is_wrong(change, message):
    body = payload("orders_create")
    change(body)
    with pytest.raises(BadPayload) as raised:
        order_record(body)
    assert message in raised.value.message and raised.value.status == 400


def test_unreadable_fulfillment_payloads():
    with pytest.raises(BadPayload, match="order_id is required"):
        shipment_news({k: v for k, v in payload("fulfillments_create").items() if k != "order_id"})
    with pytest.raises(BadPayload, match="the body must be a JSON object"):
        shipment_news([1, 2])
