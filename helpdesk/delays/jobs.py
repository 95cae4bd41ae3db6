"""Delay-notice jobs: what one says (which order and parcel, why it is late, the new estimate),
queued once per lateness event by its dedupe key."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.jobs import queue

DELAY_JOB = "delay_notice"  # the job kind, and the message's name in engagement.yml and locales/


class Lateness(StrEnum):
    """Why a parcel is late: Shopify's fulfilment event statuses, or our own sweep."""

    DELAYED = "delayed"
    FAILURE = "failure"
    ATTEMPTED_DELIVERY = "attempted_delivery"
    ESTIMATE_PASSED = "estimate_passed"


class DelayNotice(BaseModel):
    """The payload of a delay-notice job."""

    model_config = ConfigDict(extra="forbid")

    order_number: Annotated[str, Field(min_length=1, max_length=64)]
    shipment_id: int | None = None
    reason: Lateness
    new_estimate: date | None = None  # the carrier's, when it gave one
    passed_estimate: date | None = None  # the estimate that passed, for the sweep's notices


def dedupe_key(order_number: str, event: str) -> str:
    """One notice per event of one order: a Shopify event id, or the estimate that passed."""
    return f"{DELAY_JOB}:{order_number}:{event}"


async def queue_notice(
    session: AsyncSession, notice: DelayNotice, *, event: str, due_at: datetime, now: datetime
) -> bool:
    """Queue the notice in the caller's transaction; False when this event queued one before."""
    return await queue.enqueue(
        session,
        kind=DELAY_JOB,
        payload=notice.model_dump(mode="json"),
        due_at=due_at,
        dedupe_key=dedupe_key(notice.order_number, event),
        now=now,
    )
