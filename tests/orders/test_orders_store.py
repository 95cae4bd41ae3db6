"""Writing orders: upserts by number in one transaction, stale copies ignored, shipment news applied."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
import pytest
from sqlmodel import select

from helpdesk.database import Database
from helpdesk.orders.models import Order, OrderItem, OrderStatus, Shipment
from helpdesk.orders.records import OrderRecord, ShipmentRecord
from helpdesk.orders.store import (
    ImportSummary,
    OrderNotFound,
    apply_shipment,
    upsert_orders,
)
from helpdesk.orders.webhooks import receive
from tests.support import servers

PAYLOADS = Path(__file__).parent / "payloads"
PLACED = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request, tmp_path, postgres_server):
    """Both engines: row locks, NULL-safe comparison and time zones differ between them."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'orders.db'}")
        await db.upgrade()
        yield db
        await db.close()
        return
    name = f"helpdesk_test_{uuid.uuid4().hex[:12]}"  # a fresh database on the session's server
    admin = await asyncpg.connect(postgres_server)
    await admin.execute(f"CREATE DATABASE {name}")
    db = Database(servers.with_database(postgres_server, name))
    await db.upgrade()
    yield db
    await db.close()
    await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    await admin.close()


def record(number: str = "10045", **changes) -> OrderRecord:
    fields = dict(
        order_number=number,
        email="ana@example.com",
        postal_code="1016GV",
        country="NL",
        currency="EUR",
        placed_at=PLACED,
        status="shipped",
        payment_method="card",
        shipping_option="standard",
        shipping_cost="3.95",
        items=[{"sku": "LS-BLUE-M", "name": "Linen shirt", "quantity": 1, "unit_price": "59.95"}],
        shipments=[{"carrier": "postnl", "tracking_number": "3S1", "external_id": "f1"}],
    )
    return OrderRecord.model_validate({**fields, **changes})


async def rows(database: Database, model) -> list:
    async with database.session() as session:
        return list((await session.exec(select(model))).all())


async def upsert(database: Database, *records: OrderRecord) -> ImportSummary:
    async with database.session() as session:
        return await upsert_orders(session, list(records), now=NOW)


async def test_upsert_inserts_then_replaces_items_and_shipments(database):
    assert await upsert(database, record("10045"), record("10046")) == ImportSummary(
        new=2, items=2, shipments=2
    )
    two_items = [
        {"sku": "A", "name": "a", "quantity": 2, "unit_price": "1.50"},
        {"sku": "B", "name": "b", "quantity": 1, "unit_price": "2"},
    ]
    summary = await upsert(database, record("10045", items=two_items, shipments=[]))
    assert str(summary) == "1 order imported: 0 new, 1 updated; 2 items, 0 shipments"
    order = next(o for o in await rows(database, Order) if o.number == "10045")
    assert (order.subtotal, order.total) == (Decimal("5.00"), Decimal("8.95"))
    assert sorted(i.sku for i in await rows(database, OrderItem) if i.order_id == order.id) == [
        "A",
        "B",
    ]
    assert [s.order_id for s in await rows(database, Shipment)] != [
        order.id
    ]  # its shipment is gone
    assert len(await rows(database, OrderItem)) == 3


async def test_a_failing_upsert_writes_nothing(database):
    await upsert(database, record("10045"))
    with pytest.raises(ValueError, match="distinct"):
        await upsert(database, record("10046"), record("10046"))
    assert [o.number for o in await rows(database, Order)] == ["10045"]


async def test_an_older_copy_does_not_overwrite_a_newer_one(database):
    newer = PLACED + timedelta(days=2)
    await upsert(
        database, record(status="delivered", updated_at=newer, source="shopify", external_id="55")
    )
    summary = await upsert(database, record(status="paid", updated_at=newer - timedelta(hours=1)))
    assert summary.stale == 1 and "1 older than the stored version" in str(summary)
    assert (await rows(database, Order))[0].status == "delivered"
    await upsert(
        database, record(status="delivered", updated_at=newer)
    )  # the same copy again applies
    # An import (no platform time) of a Shopify order keeps the id its fulfillments are matched by.
    await upsert(database, record(status="returned"))
    order = (await rows(database, Order))[0]
    assert (order.status, order.external_id, order.source) == ("returned", "55", "import")


async def shipment_news(database, **arguments) -> Order:
    async with database.session() as session:
        return await apply_shipment(session, **arguments)


async def test_shipment_news_for_an_unknown_order_changes_nothing(database):
    with pytest.raises(OrderNotFound) as raised:
        await shipment_news(
            database,
            order_external_id="999",
            status=OrderStatus.DELIVERED,
            shipment=ShipmentRecord(carrier="ups", tracking_number="1Z", external_id="f9"),
        )
    assert raised.value.status == 404 and await rows(database, Shipment) == []


async def test_shipment_news_updates_its_parcel_and_the_order(database):
    await upsert(database, record(status="paid", shipments=[], external_id="55"))
    parcel = ShipmentRecord(
        carrier="postnl", tracking_number="3S1", shipped_on=date(2025, 3, 15), external_id="f1"
    )
    order = await shipment_news(
        database, order_external_id="55", shipment=parcel, status=OrderStatus.SHIPPED
    )
    assert order.status == "shipped"
    second = ShipmentRecord(carrier="dhl", tracking_number="JD1", external_id="f2")
    await shipment_news(
        database, order_external_id="55", shipment=second, status=OrderStatus.IN_TRANSIT
    )
    delivered = parcel.model_copy(update={"delivered_on": date(2025, 3, 17)})
    order = await shipment_news(
        database, order_external_id="55", shipment=delivered, status=OrderStatus.DELIVERED
    )
    assert order.status == "in_transit"  # the other parcel is still on its way
    order = await shipment_news(
        database, order_external_id="55", shipment=delivered, status=OrderStatus.DELIVERED
    )
    assert (
        order.status == "in_transit" and len(await rows(database, Shipment)) == 2
    )  # re-delivery: same state
    order = await shipment_news(
        database, order_external_id="55", shipment=second, status=None, removed=True
    )
    assert [s.external_id for s in await rows(database, Shipment)] == ["f1"]
    order = await shipment_news(
        database, order_external_id="55", shipment=delivered, status=OrderStatus.DELIVERED
    )
    assert order.status == "delivered"
    order = await shipment_news(
        database, order_external_id="55", shipment=parcel, status=OrderStatus.SHIPPED
    )
    assert order.status == "delivered"  # a label's news says less than a delivery


async def test_shipment_news_does_not_reopen_a_cancelled_order(database):
    await upsert(database, record(status="cancelled", external_id="55", updated_at=PLACED))
    parcel = ShipmentRecord(carrier="postnl", tracking_number="3S1", external_id="f1")
    order = await shipment_news(
        database,
        order_external_id="55",
        shipment=parcel,
        status=OrderStatus.IN_TRANSIT,
        changed_at=PLACED + timedelta(days=9),
    )
    assert order.status == "cancelled"
    assert (await rows(database, Order))[0].updated_at.replace(tzinfo=UTC) == PLACED + timedelta(
        days=9
    )


async def test_simultaneous_deliveries_of_one_order_store_it_once(database):
    payload = json.loads(
        (PAYLOADS / "orders_updated.json").read_text(encoding="utf-8"), parse_float=Decimal
    )
    outcomes = await asyncio.gather(
        *(receive(database, "orders/updated", payload, now=NOW) for _ in range(4))
    )
    assert sorted(o["outcome"] for o in outcomes) == ["created", "updated", "updated", "updated"]
    assert len(await rows(database, Order)) == 1
    assert len(await rows(database, OrderItem)) == 2 and len(await rows(database, Shipment)) == 1
