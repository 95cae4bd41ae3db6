"""What the follow-up tests do to orders: Shopify's signed fulfillments/update saying a parcel
was delivered, the sweep, and the jobs and emails that follow."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime

from sqlmodel import col, select

from helpdesk.database import DB
from helpdesk.followups import schedule
from helpdesk.jobs.context import JOBS
from helpdesk.jobs.models import DueJob
from helpdesk.orders.models import Order
from helpdesk.policies.watch import POLICIES
from helpdesk.web.keys import CLOCK
from tests.delays.shop import signed


def delivered_body(order: Order, *, at: datetime) -> bytes:
    """Shopify's fulfillments/update for the order's parcel (tests/delays/shop.py add_order)."""
    return json.dumps(
        {
            "id": int(f"9{order.number}"),
            "order_id": int(order.external_id or 0),
            "status": "success",
            "shipment_status": "delivered",
            "tracking_company": "DHL",
            "tracking_number": f"JD{order.number}",
            "created_at": "2026-11-18T09:00:00+01:00",
            "updated_at": at.isoformat(),
        }
    ).encode()


async def deliver_parcel(client, order: Order, *, at: datetime) -> None:
    body = delivered_body(order, at=at)
    answer = await client.post(
        "/webhooks/shopify",
        data=body,
        headers={
            "X-Shopify-Topic": "fulfillments/update",
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Hmac-Sha256": signed(body),
            "Content-Type": "application/json",
        },
    )
    assert answer.status == 200, await answer.text()


async def sweep_and_run(app) -> int:
    """One turn of the follow-ups' sweep, then every job due now; how many jobs ran."""
    await schedule.sweep_once(app[DB], app[POLICIES], app[CLOCK])
    return await app[JOBS].run_due()


async def jobs(app, kind: str) -> list[DueJob]:
    async with app[DB].session() as session:
        query = select(DueJob).where(col(DueJob.kind) == kind).order_by(col(DueJob.id))
        return list((await session.exec(query)).all())


async def emails(smtp_server, count: int):
    return await asyncio.to_thread(smtp_server.mailbox.wait_for, count)
