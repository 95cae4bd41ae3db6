"""The due-job table on SQLite and on PostgreSQL: once per dedupe key, atomic claims, leases that
expire, back-off, the dead-letter list and re-queueing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.jobs import queue
from helpdesk.jobs.models import DueJob, JobState

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)
LEASE = timedelta(seconds=30)


async def add(database, count: int, *, due_at=NOW, prefix: str = "job") -> None:
    async with database.session() as session:
        for number in range(count):
            await queue.enqueue(
                session,
                kind="test",
                payload={"n": number},
                due_at=due_at,
                dedupe_key=f"{prefix}:{number}",
                now=NOW,
            )
        await session.commit()


async def claim(database, *, now=NOW, limit: int = 10, lease=LEASE):
    async with database.session() as session:
        return await queue.claim(session, now=now, lease=lease, limit=limit)


async def state_of(database, job_id: int) -> DueJob:
    async with database.session() as session:
        job = await session.get(DueJob, job_id)
        assert job is not None
        return job


async def test_a_dedupe_key_makes_one_job_ever(database):
    async with database.session() as session:
        first = await queue.enqueue(
            session, kind="test", payload={}, due_at=NOW, dedupe_key="order:1:shipped", now=NOW
        )
        again = await queue.enqueue(
            session,
            kind="other",
            payload={"x": 1},
            due_at=NOW,
            dedupe_key="order:1:shipped",
            now=NOW,
        )
        await session.commit()
    assert (first, again) == (True, False)
    [job] = await claim(database)
    async with database.session() as session:
        assert await queue.finish(session, job, now=NOW, outcome="sent")
        await session.commit()
    async with database.session() as session:  # done jobs still hold their key: never twice
        assert not await queue.enqueue(
            session, kind="test", payload={}, due_at=NOW, dedupe_key="order:1:shipped", now=NOW
        )


async def test_an_enqueue_is_part_of_the_callers_transaction(database):
    async with database.session() as session:
        await queue.enqueue(session, kind="test", payload={}, due_at=NOW, dedupe_key="k", now=NOW)
        await session.rollback()
    assert await claim(database) == []


async def test_a_payload_that_is_no_json_is_refused_at_once(database):
    async with database.session() as session:
        with pytest.raises(TypeError):
            await queue.enqueue(
                session, kind="test", payload={"when": NOW}, due_at=NOW, dedupe_key="k", now=NOW
            )


async def test_only_jobs_due_by_now_are_claimed_in_order(database):
    await add(database, 2, due_at=NOW + timedelta(minutes=5), prefix="later")
    await add(database, 3, prefix="now")
    claimed = await claim(database, lease=timedelta(hours=1))
    assert sorted(job.dedupe_key for job in claimed) == ["now:0", "now:1", "now:2"]
    assert all(job.attempt == 1 for job in claimed)
    assert await claim(database) == []  # running under a lease
    later = await claim(database, now=NOW + timedelta(minutes=5))
    assert sorted(job.dedupe_key for job in later) == ["later:0", "later:1"]


async def test_claims_at_once_never_take_a_job_twice(database):
    await add(database, 200)
    batches = await asyncio.gather(*(claim(database, limit=7) for _ in range(40)))
    ids = [job.id for batch in batches for job in batch]
    assert len(ids) == len(set(ids)) == 200


async def test_a_lease_that_ran_out_lets_another_replica_take_the_job(database):
    await add(database, 1)
    [first] = await claim(database)
    assert await claim(database, now=NOW + LEASE - timedelta(seconds=1)) == []
    [second] = await claim(database, now=NOW + LEASE + timedelta(seconds=1))
    assert (second.id, second.attempt) == (first.id, 2)
    async with database.session() as session:  # the first replica woke up: its claim is gone
        assert not await queue.finish(session, first, now=NOW, outcome="sent")
        assert (
            await queue.fail(session, first, now=NOW, error="x", max_attempts=5, base=LEASE) is None
        )
        assert await queue.finish(session, second, now=NOW, outcome="sent")
        await session.commit()
    job = await state_of(database, first.id)
    assert (job.state, job.outcome, job.attempts) == (JobState.DONE, "sent", 2)


def test_back_off_doubles_up_to_a_limit():
    base = timedelta(minutes=1)
    assert [queue.backoff(n, base) for n in (1, 2, 3, 4)] == [base, 2 * base, 4 * base, 8 * base]
    assert queue.backoff(40, base) == queue.MAX_BACKOFF


async def test_failures_retry_with_back_off_then_go_dead_and_can_be_requeued(database):
    await add(database, 1)
    now, base = NOW, timedelta(minutes=1)
    for attempt in (1, 2):
        [job] = await claim(database, now=now)
        assert job.attempt == attempt
        async with database.session() as session:
            state = await queue.fail(
                session, job, now=now, error="SMTP said 451", max_attempts=3, base=base
            )
            await session.commit()
        assert state == JobState.DUE
        due = now + base * 2 ** (attempt - 1)
        assert await claim(database, now=due - timedelta(seconds=1)) == []
        now = due
    [job] = await claim(database, now=now)
    async with database.session() as session:
        state = await queue.fail(
            session, job, now=now, error="SMTP said 451", max_attempts=3, base=base
        )
        await session.commit()
        dead = await queue.dead_jobs(session)
    assert state == JobState.DEAD
    assert [(d.id, d.attempts, d.last_error) for d in dead] == [(job.id, 3, "SMTP said 451")]
    assert await claim(database, now=now + timedelta(days=1)) == []

    async with database.session() as session:
        requeued = await queue.requeue(session, job.id, now=now)
        await session.commit()
    assert (requeued.state, requeued.attempts) == (JobState.DUE, 0)
    [again] = await claim(database, now=now)
    assert (again.id, again.attempt) == (job.id, 1)
    async with database.session() as session:
        with pytest.raises(queue.JobNotDead):
            await queue.requeue(session, job.id, now=now)
        with pytest.raises(queue.JobNotFound):
            await queue.requeue(session, job.id + 1000, now=now)


async def test_a_permanent_failure_is_dead_at_once(database):
    await add(database, 1)
    [job] = await claim(database)
    async with database.session() as session:
        state = await queue.fail(
            session, job, now=NOW, error="bad payload", max_attempts=5, base=LEASE, permanent=True
        )
        await session.commit()
    assert state == JobState.DEAD
