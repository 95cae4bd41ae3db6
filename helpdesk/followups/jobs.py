"""Follow-up jobs: which message about which order or loyalty account, queued once per dedupe
key (the same delivery seen twice queues nothing more)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.jobs import queue
from helpdesk.jobs.models import DueJob

FOLLOWUP_JOB = "followup"
THANK_YOU = "shipped_thank_you"
CHECK_IN = "delivery_check_in"
REVIEW = "review_request"
EXPIRY = "points_expiry_reminder"
CSAT = "csat_by_email"
ORDER_MESSAGES = (THANK_YOU, CHECK_IN, REVIEW)
Message = Literal[
    "shipped_thank_you",
    "delivery_check_in",
    "review_request",
    "points_expiry_reminder",
    "csat_by_email",
]
CHUNK = 500


class FollowUp(BaseModel):
    """The payload of a follow-up job: the message (its name in engagement.yml and locales/) and
    what it is about: an order, a loyalty account and its expiry day, or a conversation."""

    model_config = ConfigDict(extra="forbid")

    message: Message
    order_number: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    account_id: int | None = None
    expires_on: str | None = None  # the day the reminder is about (ISO)
    conversation_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None


def dedupe_key(message: str, about: str) -> str:
    """Once per message and order (or account and expiry day, or conversation), ever."""
    return f"{FOLLOWUP_JOB}:{message}:{about}"


async def known_keys(session: AsyncSession, keys: list[str]) -> set[str]:
    """Which of `keys` were queued before: the sweeps skip them without trying an insert."""
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        query = select(DueJob.dedupe_key).where(
            col(DueJob.dedupe_key).in_(keys[start : start + CHUNK])
        )
        found.update((await session.exec(query)).all())
    return found


async def queue_followup(
    session: AsyncSession, followup: FollowUp, *, key: str, due_at: datetime, now: datetime
) -> bool:
    """Queue in the caller's transaction; False when `key` was queued before."""
    return await queue.enqueue(
        session,
        kind=FOLLOWUP_JOB,
        payload=followup.model_dump(mode="json", exclude_none=True),
        due_at=due_at,
        dedupe_key=key,
        now=now,
    )
