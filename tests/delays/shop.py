"""What the delay-notice tests set up and look at: an order with its parcel, a conversation that
proved it, Shopify's signed fulfilment events, and the jobs and records that follow."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from helpdesk.chat.models import Conversation
from helpdesk.database import DB
from helpdesk.delays.jobs import DELAY_JOB
from helpdesk.jobs.models import DueJob
from helpdesk.orders.models import Order, OrderStatus, Shipment, VerificationAttempt
from helpdesk.web.keys import CLOCK

SECRET = "shpss_delay_test_0123456789"


async def add_order(
    app,
    number: str,
    *,
    email: str,
    country: str,
    estimate: date,
    external_id: str | None = None,
) -> Order:
    """A shipped order with one parcel on its way (Shopify's ids: the order's, "9" + its number
    for the parcel)."""
    now = app[CLOCK].now()
    async with app[DB].session() as session:
        order = Order(
            number=number,
            email=email,
            postal_code="1011AB",
            country=country,
            currency="EUR",
            total=Decimal("80.00"),
            placed_at=now,
            status=OrderStatus.SHIPPED,
            source="shopify",
            external_id=external_id or f"7{number}",
            updated_at=now,
        )
        session.add(order)
        await session.flush()
        assert order.id is not None
        session.add(
            Shipment(
                order_id=order.id,
                carrier="dhl",
                tracking_number=f"JD{number}",
                shipped_on=now.date(),
                estimated_delivery=estimate,
                external_id=f"9{number}",
            )
        )
        await session.commit()
        await session.refresh(order)
        return order


async def prove(app, conversation_id: str, order: Order, *, lang: str | None = None) -> None:
    """The conversation proved it may see the order (as the bot's check records it)."""
    async with app[DB].session() as session:
        session.add(
            VerificationAttempt(
                conversation_id=conversation_id,
                order_number=order.number,
                method="email",
                succeeded=True,
                email=order.email,
                at=app[CLOCK].now(),
            )
        )
        if lang is not None:
            conversation = await session.get(Conversation, conversation_id)
            assert conversation is not None
            conversation.lang = lang
            session.add(conversation)
        await session.commit()


def event_body(
    order: Order, *, event_id: int = 1001, status: str = "delayed", **more: Any
) -> bytes:
    """A fulfillment event as Shopify's REST webhook sends it."""
    payload = {
        "id": event_id,
        "fulfillment_id": int(f"9{order.number}"),
        "order_id": int(order.external_id or 0),
        "shop_id": 548380009,
        "status": status,
        "message": None,
        "happened_at": "2026-11-18T09:12:00+01:00",
        "estimated_delivery_at": None,
        "city": "Utrecht",
        "country": "Netherlands",
        **more,
    }
    return json.dumps(payload).encode()


def signed(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


async def deliver(client, body: bytes, *, signature: str | None = None, topic: str = ""):
    """One delivery of fulfillment_events/create, with a webhook id of its own."""
    return await client.post(
        "/webhooks/shopify",
        data=body,
        headers={
            "X-Shopify-Topic": topic or "fulfillment_events/create",
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Hmac-Sha256": signature if signature is not None else signed(body),
            "Content-Type": "application/json",
        },
    )


async def delay_jobs(app) -> list[DueJob]:
    async with app[DB].session() as session:
        query = select(DueJob).where(col(DueJob.kind) == DELAY_JOB).order_by(col(DueJob.id))
        return list((await session.exec(query)).all())


async def rows(app, model, *where) -> list:
    async with app[DB].session() as session:
        return list((await session.exec(select(model).where(*where))).all())
