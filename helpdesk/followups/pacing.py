"""When an email may go out to a shopper: within the weekly cap of engagement.yml (counting what
was sent and what already waits to go out) and after the quiet hours where they live."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import aware
from helpdesk.jobs.models import ClaimedJob, DueJob, JobState
from helpdesk.mail import records
from helpdesk.mail.service import MAIL_JOB
from helpdesk.policies import engagement
from helpdesk.policies.engagement_schema import EngagementPolicy


async def take_turn(session: AsyncSession, job: ClaimedJob) -> None:
    """SQLite: become the writer before reading anything, so that two follow-ups handled at once
    take turns and the second sees the email the first queued (a snapshot read before the write
    would not). The first statement of the job's transaction; PostgreSQL waits in `lock_shopper`."""
    if (await session.connection()).dialect.name == "sqlite":
        await session.exec(
            update(DueJob).where(col(DueJob.id) == job.id).values(state=DueJob.state)
        )


async def lock_shopper(session: AsyncSession, recipient: str) -> None:
    """PostgreSQL: one follow-up per shopper at a time, until the job's transaction ends; each
    statement after it sees what the one before committed."""
    if (await session.connection()).dialect.name == "postgresql":
        statement = text("SELECT pg_advisory_xact_lock(hashtext(:who))")
        await session.exec(statement.bindparams(who=f"mail-pacing:{recipient}"))  # type: ignore[call-overload]


async def waiting_for(session: AsyncSession, recipient: str) -> int:
    """How many emails to `recipient` are queued and not yet sent (transcripts left out)."""
    query = select(DueJob.payload).where(
        col(DueJob.kind) == MAIL_JOB, col(DueJob.state).in_([JobState.DUE, JobState.RUNNING])
    )
    return sum(
        1
        for payload in (await session.exec(query)).all()
        if isinstance(payload, dict)
        and payload.get("to") == recipient
        and payload.get("kind") not in records.REQUESTED
    )


async def mail_slot(
    session: AsyncSession,
    policy: EngagementPolicy,
    *,
    recipient: str,
    message: str,
    zone: ZoneInfo,
    now: datetime,
) -> datetime:
    """The first moment from `now` at which `message` keeps the shopper within the weekly cap
    and out of the quiet hours. An email already waiting counts as sent now: two follow-ups
    falling due the same day cannot both squeeze into the last free place."""
    sent = await records.sent_since(session, recipient, now - engagement.WEEK)
    waiting = [now] * await waiting_for(session, recipient)
    slot = engagement.next_weekly_slot(policy, [aware(m) for m in sent] + waiting, now)
    return engagement.send_time(policy, message, slot, zone)
