"""When a proactive email may go out to a shopper, and its queuing: to an address not
unsubscribed, within the weekly cap of engagement.yml (counting what was sent and what already
waits to go out) and after the quiet hours where they live. Follow-ups and delay notices alike."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import aware
from helpdesk.jobs.models import ClaimedJob, DueJob, JobState
from helpdesk.jobs.runner import PermanentFailure
from helpdesk.mail import records
from helpdesk.mail.addresses import BadAddress, normalise
from helpdesk.mail.service import MAIL_JOB, MailRequest, enqueue_mail
from helpdesk.policies import engagement
from helpdesk.policies.engagement_schema import EngagementPolicy


async def take_turn(session: AsyncSession, job: ClaimedJob) -> None:
    """SQLite: become the writer before reading what was sent and queued, so that two jobs mailing
    at once take turns on the one writer connection and the second sees the email the first
    queued. The reads before it were on a reader, outside any transaction (database.py's
    RoutingSession); PostgreSQL waits in `lock_shopper`."""
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
    and out of the quiet hours. An email already waiting counts as sent now: two emails
    falling due the same day cannot both squeeze into the last free place."""
    sent = await records.sent_since(session, recipient, now - engagement.WEEK)
    waiting = [now] * await waiting_for(session, recipient)
    slot = engagement.next_weekly_slot(policy, [aware(m) for m in sent] + waiting, now)
    return engagement.send_time(policy, message, slot, zone)


def address(email: str) -> str:
    """The address normalised, or PermanentFailure: no retry makes an email of what is not one
    (an order from a point of sale may have none)."""
    try:
        return normalise(email)
    except BadAddress as error:
        raise PermanentFailure(f"no usable email: {error}") from error


async def queue_paced(
    session: AsyncSession,
    job: ClaimedJob,
    policy: EngagementPolicy,
    request: MailRequest,
    *,
    country: str,
    now: datetime,
) -> str:
    """Queue the email of `job` (once, by its dedupe key) for the moment the weekly cap and the
    quiet hours where the shopper lives (`country`'s zone) allow; nothing to an unsubscribed
    address. What happened, in a few words."""
    recipient = address(request.to)
    if await records.is_suppressed(session, recipient):
        return "done without sending: the address unsubscribed"
    await take_turn(session, job)
    await lock_shopper(session, recipient)
    zone = engagement.shopper_zone(policy, None, country)
    due = await mail_slot(
        session, policy, recipient=recipient, message=request.kind, zone=zone, now=now
    )
    request = request.model_copy(update={"to": recipient})
    await enqueue_mail(session, request, due_at=due, dedupe_key=f"mail:{job.dedupe_key}", now=now)
    return f"email to be sent at {due.isoformat()} ({request.lang})"
