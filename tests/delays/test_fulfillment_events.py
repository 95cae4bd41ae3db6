"""Shopify's fulfillment_events/create through the running app: signed or refused, a late parcel
queues one notice per event however often the event comes, and a bad body is a 4xx with a code."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from helpdesk.database import DB
from helpdesk.jobs.context import JOBS
from helpdesk.jobs.models import JobState
from helpdesk.mail.models import MailRecord
from helpdesk.orders.models import Order, OrderStatus, Shipment
from tests.delays.shop import add_order, delay_jobs, deliver, event_body, rows, signed


@pytest.fixture
async def order(shop):
    return await add_order(
        shop.app, "30001", email="lea@example.de", country="DE", estimate=date(2026, 11, 20)
    )


async def test_a_wrong_or_missing_signature_is_refused_and_queues_nothing(shop, order):
    body = event_body(order)
    wrong = await deliver(shop, body, signature=signed(body, "another secret"))
    assert wrong.status == 401
    assert (await wrong.json())["code"] == "unauthorized"
    missing = await deliver(shop, body, signature="")
    assert missing.status == 401
    assert await delay_jobs(shop.app) == []


async def test_a_delayed_event_repeated_queues_one_notice_and_mails_once(shop, order, smtp_server):
    body = event_body(order, estimated_delivery_at="2026-11-24T00:00:00+01:00")
    first = await deliver(shop, body)
    assert first.status == 200, await first.text()
    assert await first.json() == {"order": "30001", "outcome": "delay notice queued"}
    # Shopify sends the same event again under a new webhook id: nothing more is queued.
    again = await deliver(shop, body)
    assert await again.json() == {"order": "30001", "outcome": "duplicate"}
    [job] = await delay_jobs(shop.app)
    assert job.dedupe_key == "delay_notice:30001:event:1001"

    assert await shop.app[JOBS].run_due() == 2  # the notice, then the email it queued
    [email] = await asyncio.to_thread(smtp_server.mailbox.wait_for, 1)
    assert email["Subject"] == "Ihre Bestellung 30001 verspätet sich"  # Germany's language
    text = email.get_body(("plain",)).get_content()
    assert "dass sich das Paket verspätet" in text and "24. November 2026" in text

    await deliver(shop, body)
    assert await shop.app[JOBS].run_due() == 0
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 1
    assert len(await rows(shop.app, MailRecord)) == 1
    [order_now] = await rows(shop.app, Order)
    [parcel] = await rows(shop.app, Shipment)
    assert order_now.status == OrderStatus.DELAYED
    assert parcel.estimated_delivery == date(2026, 11, 24)  # the carrier's new estimate


@pytest.mark.parametrize("status", ["failure", "attempted_delivery"])
async def test_each_late_status_is_one_notice_per_event_id(shop, order, status):
    for event_id in (1, 2, 2):
        response = await deliver(shop, event_body(order, event_id=event_id, status=status))
        assert response.status == 200
    jobs = await delay_jobs(shop.app)
    assert [job.payload["reason"] for job in jobs] == [status, status]


async def test_news_that_is_not_a_delay_is_noted_without_a_notice(shop, order):
    response = await deliver(shop, event_body(order, status="in_transit"))
    assert await response.json() == {"order": "30001", "outcome": "event noted"}
    assert await delay_jobs(shop.app) == []


async def test_the_notice_is_not_sent_when_the_parcel_arrived_before_it_was_due(shop, order):
    await deliver(shop, event_body(order))
    [parcel] = await rows(shop.app, Shipment)
    async with shop.app[DB].session() as session:
        parcel.delivered_on = date(2026, 11, 18)
        session.add(parcel)
        await session.commit()
    assert await shop.app[JOBS].run_due() == 1
    [job] = await delay_jobs(shop.app)
    assert job.state == JobState.DONE
    assert (job.outcome or "").startswith("done without sending")


@pytest.mark.parametrize(
    ("body", "code", "status"),
    [
        (b"[1, 2]", "bad_payload", 400),
        (b'{"id": 5, "status": "delayed"}', "bad_payload", 400),
        (b'{"id": "five", "order_id": 1, "fulfillment_id": 2, "status": "delayed"}', "bad_payload", 400),
        (b'{"id": 5, "order_id": 1, "fulfillment_id": 2, "status": "delayed",'
         b' "estimated_delivery_at": "next week"}', "bad_payload", 400),
        (b"{not json", "bad_request", 400),
        (b'{"id": 5, "order_id": 123, "fulfillment_id": 2, "status": "delayed"}',
         "order_not_found", 404),
    ],
)  # fmt: skip
async def test_a_bad_body_is_a_4xx_with_a_code_and_queues_nothing(shop, order, body, code, status):
    response = await deliver(shop, body)
    assert response.status == status, await response.text()
    assert (await response.json())["code"] == code
    assert await delay_jobs(shop.app) == []
