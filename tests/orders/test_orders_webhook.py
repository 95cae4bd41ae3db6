"""POST /webhooks/shopify through a real aiohttp app: signed or refused, idempotent, out-of-order safe."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from aiohttp import web
from sqlmodel import col, select

from helpdesk.clock import Clock
from helpdesk.database import DB, database_context
from helpdesk.orders import shopify_api
from helpdesk.orders.models import Order, OrderItem, Shipment
from helpdesk.settings import Settings
from helpdesk.web.keys import CLOCK, SETTINGS
from helpdesk.web.middleware import error_middleware

PAYLOADS = Path(__file__).parent / "payloads"
SECRET = "shpss_test_0123456789abcdef"


def make_app(settings: Settings) -> web.Application:
    # create_app's small body limit, to show the route reads large orders itself
    app = web.Application(middlewares=[error_middleware], client_max_size=64 * 1024)
    app[SETTINGS] = settings
    app[CLOCK] = Clock()
    app.cleanup_ctx.append(database_context(settings))
    app.router.add_routes(shopify_api.routes)
    return app


@pytest.fixture
async def shop(aiohttp_client, tmp_path):
    settings = Settings(
        environment="test", var_dir=tmp_path, shopify_webhook_secret=SECRET, rasa_callbacks_port=0
    )
    return await aiohttp_client(make_app(settings))


def body_of(name: str) -> bytes:
    return (PAYLOADS / f"{name}.json").read_bytes()


def signed(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


async def deliver(
    client,
    topic: str,
    body: bytes,
    *,
    signature: str | None = "sign",
    webhook_id: str | None = None,
):
    """One delivery as Shopify makes it; each with its own webhook id unless a retry is meant."""
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-Shop-Domain": "atelier-nord.myshopify.com",
        "Content-Type": "application/json",
    }
    if signature is not None:
        headers["X-Shopify-Hmac-Sha256"] = signed(body) if signature == "sign" else signature
    return await client.post("/webhooks/shopify", data=body, headers=headers)


async def state(client) -> list[tuple]:
    """Everything stored about orders, without row ids (replaced rows get new ones)."""
    async with client.server.app[DB].session() as session:
        orders = (await session.exec(select(Order).order_by(col(Order.number)))).all()
        items = (await session.exec(select(OrderItem).order_by(col(OrderItem.sku)))).all()
        shipments = (await session.exec(select(Shipment).order_by(col(Shipment.external_id)))).all()
    return [
        *(o.model_dump(exclude={"id"}) for o in orders),
        *(i.model_dump(exclude={"id"}) for i in items),
        *(s.model_dump(exclude={"id"}) for s in shipments),
    ]


async def stored_order(client) -> Order:
    async with client.server.app[DB].session() as session:
        return (await session.exec(select(Order))).one()


async def test_orders_create_is_stored(shop):
    response = await deliver(shop, "orders/create", body_of("orders_create"))
    assert response.status == 200 and await response.json() == {
        "order": "10046",
        "outcome": "created",
    }
    order = await stored_order(shop)
    assert (order.email, order.source, order.external_id, order.status) == (
        "ana.silva@example.com",
        "shopify",
        "5512345678901",
        "paid",
    )


async def test_re_delivery_leaves_the_same_state(shop):
    await deliver(shop, "orders/create", body_of("orders_create"))
    first = await state(shop)
    again = await deliver(shop, "orders/create", body_of("orders_create"))  # a new copy
    assert again.status == 200 and await state(shop) == first
    await deliver(shop, "fulfillments/create", body_of("fulfillments_create"))
    after_fulfillment = await state(shop)
    await deliver(
        shop, "fulfillments/create", body_of("fulfillments_create"), webhook_id="other-id"
    )
    assert await state(shop) == after_fulfillment


@pytest.mark.parametrize(
    "signature", [None, "", "bm90IHRoZSByaWdodCBzaWduYXR1cmU=", signed(b"another body")]
)
async def test_unsigned_or_wrongly_signed_is_refused_and_changes_nothing(shop, signature):
    response = await deliver(shop, "orders/create", body_of("orders_create"), signature=signature)
    assert response.status == 401
    assert "X-Shopify-Hmac-Sha256" in (await response.json())["error"]
    assert await state(shop) == []


async def test_a_retried_delivery_is_applied_once(shop):
    created = await deliver(shop, "orders/create", body_of("orders_create"), webhook_id="w-1")
    assert (await created.json())["outcome"] == "created"
    first = await state(shop)
    changed = json.loads(body_of("orders_create"))
    changed["email"] = "someone.else@example.com"
    retried = await deliver(shop, "orders/create", json.dumps(changed).encode(), webhook_id="w-1")
    assert retried.status == 200 and await retried.json() == {"outcome": "duplicate"}
    assert await state(shop) == first


async def test_a_failed_delivery_is_applied_when_shopify_retries_it(shop):
    early = await deliver(
        shop, "fulfillments/create", body_of("fulfillments_create"), webhook_id="f-1"
    )
    assert early.status == 404  # the order is not here yet: Shopify will retry
    await deliver(shop, "orders/create", body_of("orders_create"))
    retried = await deliver(
        shop, "fulfillments/create", body_of("fulfillments_create"), webhook_id="f-1"
    )
    assert await retried.json() == {"order": "10046", "outcome": "shipment stored"}


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": 1, "line_items": [' + b"[" * 3000 + b"]" * 3000 + b"]}",
        b'{"id": 5512345678901, "email": "a\\u0000b@example.com"}',
        b'{"id": 5512345678901, "email": "\\udc00"}',
        b"[1, 2, 3]",
        b'{"id": 5512345678901, "customer": {"first_name": 7, "last_name": ["x"]}, "line_items": "all"}',
    ],
)
async def test_a_signed_but_malformed_delivery_is_400_and_changes_nothing(shop, body):
    response = await deliver(shop, "orders/create", body)
    assert response.status == 400, await response.text()
    assert await state(shop) == []


async def test_without_a_configured_secret_everything_is_refused(aiohttp_client, tmp_path):
    client = await aiohttp_client(
        make_app(Settings(environment="test", var_dir=tmp_path, rasa_callbacks_port=0))
    )
    body = body_of("orders_create")
    response = await deliver(client, "orders/create", body, signature=signed(body, ""))
    assert response.status == 401 and await state(client) == []


async def test_an_unknown_topic_is_acknowledged_and_ignored(shop):
    response = await deliver(shop, "products/update", b'{"id": 788032119674292922}')
    assert response.status == 200 and await response.json() == {"ignored": "products/update"}
    unsigned = await deliver(shop, "products/update", b"{}", signature=None)
    assert unsigned.status == 401


async def test_malformed_payloads_are_400_with_the_reason(shop):
    response = await deliver(shop, "orders/create", b'{"id": 1, "line_items": [')
    assert response.status == 400
    assert await response.json() == {"error": "the body is not valid JSON", "code": "bad_request"}
    no_id = json.loads(body_of("orders_create"))
    del no_id["id"]
    response = await deliver(shop, "orders/create", json.dumps(no_id).encode())
    assert response.status == 400
    assert await response.json() == {
        "error": "id is required: Shopify's numeric id",
        "code": "bad_payload",
    }
    assert await state(shop) == []


async def test_a_fulfillment_of_an_unknown_order_is_404_and_changes_nothing(shop):
    response = await deliver(shop, "fulfillments/create", body_of("fulfillments_create"))
    assert response.status == 404 and "5512345678901" in (await response.json())["error"]
    assert await state(shop) == []


async def test_an_order_through_to_delivery(shop):
    await deliver(shop, "orders/create", body_of("orders_create"))
    response = await deliver(shop, "fulfillments/create", body_of("fulfillments_create"))
    assert await response.json() == {"order": "10046", "outcome": "shipment stored"}
    assert (await stored_order(shop)).status == "shipped"
    await deliver(shop, "orders/updated", body_of("orders_updated"))
    assert (await stored_order(shop)).status == "in_transit"
    await deliver(shop, "fulfillments/update", body_of("fulfillments_update"))
    order = await stored_order(shop)
    async with shop.server.app[DB].session() as session:
        shipments = (await session.exec(select(Shipment))).all()
    assert order.status == "delivered"
    assert [(s.carrier, s.tracking_number, s.delivered_on) for s in shipments] == [
        ("postnl", "3SATNR0123456789", date(2025, 3, 17))
    ]
    delivered = await state(shop)
    # Late copies of older news: acknowledged, and the newer state stays.
    late = await deliver(shop, "orders/updated", body_of("orders_updated"))
    assert await late.json() == {"order": "10046", "outcome": "stale"}
    await deliver(shop, "orders/create", body_of("orders_create"))
    assert await state(shop) == delivered


async def test_a_late_order_copy_does_not_drop_a_newer_shipment(shop):
    await deliver(shop, "orders/create", body_of("orders_create"))
    await deliver(shop, "fulfillments/create", body_of("fulfillments_create"))
    await deliver(
        shop, "orders/create", body_of("orders_create")
    )  # retried, from before the parcel
    async with shop.server.app[DB].session() as session:
        assert len((await session.exec(select(Shipment))).all()) == 1


async def test_a_large_order_beyond_the_apps_body_limit(shop):
    body = json.loads(body_of("orders_create"))
    template = body["line_items"][0]
    body["line_items"] = [dict(template, id=n, sku=f"SKU-{n}") for n in range(120)]
    raw = json.dumps(body, indent=2).encode()
    assert len(raw) > 64 * 1024
    response = await deliver(shop, "orders/create", raw)
    assert response.status == 200, await response.text()
