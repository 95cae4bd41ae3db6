"""The due-job table's operations: enqueue once per dedupe key, claim atomically with a lease,
finish or fail under that lease (retry with back-off, then dead), list and re-queue the dead."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.errors import BadRequest, HelpdeskError, NotFound
from helpdesk.jobs.models import ClaimedJob, DueJob, JobState

MAX_BACKOFF = timedelta(hours=6)  # a job failing for a day is tried a few times an hour at most
ERROR_LENGTH = 500


class JobNotFound(NotFound):
    code = "job_not_found"


class JobNotDead(HelpdeskError):
    status = 409
    code = "job_not_dead"


async def enqueue(
    session: AsyncSession,
    *,
    kind: str,
    payload: dict[str, Any],
    due_at: datetime,
    dedupe_key: str,
    now: datetime,
) -> bool:
    """Add a job unless one with `dedupe_key` was ever added: True when this call added it.
    Part of the caller's transaction (the caller commits), so a job is due exactly when the
    change that makes it due is stored."""
    if not kind or not dedupe_key:
        raise ValueError("a job needs a kind and a dedupe key")
    json.dumps(payload)  # refused here, where the caller can see why, not later in a replica
    row = {
        "kind": kind,
        "payload": payload,
        "due_at": due_at,
        "dedupe_key": dedupe_key,
        "state": JobState.DUE,
        "attempts": 0,
        "created_at": now,
    }
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(DueJob).values(**row).on_conflict_do_nothing(index_elements=["dedupe_key"])
    result = await session.exec(statement)
    return result.rowcount == 1


def _ready(now: datetime) -> Any:
    """Due now, or claimed by a replica whose lease ran out (it died or hung)."""
    return or_(
        and_(col(DueJob.state) == JobState.DUE, col(DueJob.due_at) <= now),
        and_(col(DueJob.state) == JobState.RUNNING, col(DueJob.lease_until) < now),
    )


async def claim(
    session: AsyncSession, *, now: datetime, lease: timedelta, limit: int
) -> list[ClaimedJob]:
    """Take up to `limit` ready jobs for `lease`, in one statement and committed at once.

    PostgreSQL: the chosen rows are locked with SKIP LOCKED, so replicas claiming at once take
    different jobs without waiting for each other. SQLite has one writer at a time: the UPDATE
    checks again that each row is still ready, so a row taken meanwhile is left alone."""
    chosen = select(DueJob.id).where(_ready(now)).order_by(col(DueJob.due_at), col(DueJob.id))
    chosen = chosen.limit(limit)
    if (await session.connection()).dialect.name == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True)
    statement = (
        update(DueJob)
        .where(col(DueJob.id).in_(chosen.scalar_subquery()), _ready(now))
        .values(state=JobState.RUNNING, attempts=col(DueJob.attempts) + 1, lease_until=now + lease)
        .returning(
            col(DueJob.id),
            col(DueJob.kind),
            col(DueJob.payload),
            col(DueJob.dedupe_key),
            col(DueJob.due_at),
            col(DueJob.attempts),
        )
    )
    rows = (await session.exec(statement)).all()
    await session.commit()
    return [ClaimedJob(*row) for row in rows]


def _ours(job: ClaimedJob) -> Any:
    """Still this claim's: a replica whose lease ran out must not overwrite the next claim."""
    return and_(
        col(DueJob.id) == job.id,
        col(DueJob.state) == JobState.RUNNING,
        col(DueJob.attempts) == job.attempt,
    )


async def finish(session: AsyncSession, job: ClaimedJob, *, now: datetime, outcome: str) -> bool:
    """Mark the job done in the caller's transaction; False when the claim was lost."""
    statement = (
        update(DueJob)
        .where(_ours(job))
        .values(state=JobState.DONE, outcome=outcome[:ERROR_LENGTH], finished_at=now)
    )
    return (await session.exec(statement)).rowcount == 1


def backoff(attempt: int, base: timedelta) -> timedelta:
    """The wait after the `attempt`-th failure: base, 2 base, 4 base ... at most MAX_BACKOFF."""
    return min(base * 2 ** min(attempt - 1, 30), MAX_BACKOFF)


async def fail(
    session: AsyncSession,
    job: ClaimedJob,
    *,
    now: datetime,
    error: str,
    max_attempts: int,
    base: timedelta,
    permanent: bool = False,
) -> str | None:
    """Record a failed try: due again after the back-off, or dead after `max_attempts` (at once
    when `permanent`). The new state, or None when the claim was lost."""
    dead = permanent or job.attempt >= max_attempts
    values: dict[str, Any] = {"last_error": error[:ERROR_LENGTH], "lease_until": None}
    if dead:
        values |= {"state": JobState.DEAD, "finished_at": now}
    else:
        values |= {"state": JobState.DUE, "due_at": now + backoff(job.attempt, base)}
    result = await session.exec(update(DueJob).where(_ours(job)).values(**values))
    if result.rowcount != 1:
        return None
    return JobState.DEAD if dead else JobState.DUE


async def dead_jobs(session: AsyncSession, *, limit: int = 200) -> list[DueJob]:
    """The dead-letter list, the latest first."""
    query = (
        select(DueJob)
        .where(col(DueJob.state) == JobState.DEAD)
        .order_by(col(DueJob.finished_at).desc(), col(DueJob.id).desc())
        .limit(limit)
    )
    return list((await session.exec(query)).all())


async def requeue(session: AsyncSession, job_id: int, *, now: datetime) -> DueJob:
    """A dead job due again at once, with its tries counted from zero (the caller commits)."""
    if not 0 < job_id < 2**31:
        raise BadRequest("a job id is a whole number from 1 to 2147483647")
    statement = (
        update(DueJob)
        .where(col(DueJob.id) == job_id, col(DueJob.state) == JobState.DEAD)
        .values(state=JobState.DUE, attempts=0, due_at=now, finished_at=None, lease_until=None)
    )
    if (await session.exec(statement)).rowcount != 1:
        job = await session.get(DueJob, job_id)
        if job is None:
            raise JobNotFound(f"there is no job {job_id}")
        raise JobNotDead(f"job {job_id} is {job.state}, not dead: only dead jobs are re-queued")
    job = await session.get(DueJob, job_id, populate_existing=True)
    if job is None:  # removed meanwhile (nothing removes jobs today)
        raise JobNotFound(f"there is no job {job_id}")
    return job
