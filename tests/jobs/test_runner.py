"""The runner on the one clock: handlers by kind, their writes committed with the job's "done" or
not at all, failures tried again after the back-off, dead after the last try."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from helpdesk.clock import SetClock
from helpdesk.jobs import queue
from helpdesk.jobs.models import DueJob, JobState
from helpdesk.jobs.runner import JobHandlers, JobRunner, PermanentFailure, RunnerSettings
from helpdesk.mail.models import MailSuppression

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)
SETTINGS = RunnerSettings(
    lease=timedelta(seconds=60),
    max_attempts=3,
    backoff=timedelta(minutes=1),
    batch=5,
    concurrency=2,
)


async def enqueue(database, kind: str, key: str, payload: dict | None = None) -> None:
    async with database.session() as session:
        await queue.enqueue(
            session, kind=kind, payload=payload or {}, due_at=NOW, dedupe_key=key, now=NOW
        )
        await session.commit()


async def jobs(database) -> dict[str, DueJob]:
    async with database.session() as session:
        return {job.dedupe_key: job for job in (await session.exec(select(DueJob))).all()}


async def test_each_job_goes_to_the_handler_of_its_kind_once(database):
    seen: list[tuple[str, int]] = []

    async def handler(job, session):
        seen.append((job.dedupe_key, job.payload["n"]))
        return f"handled {job.payload['n']}"

    handlers = JobHandlers()
    handlers.register("count", handler)
    for number in range(12):
        await enqueue(database, "count", f"count:{number}", {"n": number})
    runner = JobRunner(database, SetClock(NOW), handlers, SETTINGS)
    assert await runner.run_due() == 12
    assert await runner.run_due() == 0
    assert sorted(seen) == sorted((f"count:{n}", n) for n in range(12))
    done = await jobs(database)
    assert {job.state for job in done.values()} == {JobState.DONE}
    assert done["count:3"].outcome == "handled 3"


async def test_what_a_handler_writes_is_committed_with_done_or_not_at_all(database):
    async def writes_then_fails(job, session):
        session.add(MailSuppression(email=f"{job.dedupe_key}@example.com", at=NOW, reason="test"))
        if job.payload["fail"]:
            raise RuntimeError("the mail server hung up")
        return "ok"

    handlers = JobHandlers()
    handlers.register("write", writes_then_fails)
    await enqueue(database, "write", "good", {"fail": False})
    await enqueue(database, "write", "bad", {"fail": True})
    await JobRunner(database, SetClock(NOW), handlers, SETTINGS).run_due()
    async with database.session() as session:
        written = (await session.exec(select(MailSuppression.email))).all()
    assert written == ["good@example.com"]
    bad = (await jobs(database))["bad"]
    assert bad.state == JobState.DUE and bad.last_error == "RuntimeError: the mail server hung up"


async def test_failures_wait_the_back_off_on_the_clock_then_go_dead(database):
    tries: list[datetime] = []
    clock = SetClock(NOW)

    async def flaky(job, session):
        tries.append(clock.now())
        raise ConnectionRefusedError("SMTP server down")

    handlers = JobHandlers()
    handlers.register("flaky", flaky)
    await enqueue(database, "flaky", "flaky:1")
    runner = JobRunner(database, clock, handlers, SETTINGS)
    assert await runner.run_due() == 1
    assert await runner.run_due() == 0  # waiting out the back-off
    clock.advance(timedelta(seconds=59))
    assert await runner.run_due() == 0
    clock.advance(timedelta(seconds=2))  # 1 minute after the first try
    assert await runner.run_due() == 1
    clock.advance(timedelta(minutes=2, seconds=1))  # 2 minutes after the second
    assert await runner.run_due() == 1
    clock.advance(timedelta(days=1))
    assert await runner.run_due() == 0
    assert len(tries) == 3
    assert tries[1] - tries[0] >= timedelta(minutes=1) and tries[2] - tries[1] >= timedelta(
        minutes=2
    )
    job = (await jobs(database))["flaky:1"]
    assert (job.state, job.attempts) == (JobState.DEAD, 3)
    assert job.last_error == "ConnectionRefusedError: SMTP server down"


async def test_a_kind_without_handler_and_a_permanent_failure_are_dead_at_once(database):
    async def refuses(job, session):
        raise PermanentFailure("to: not an email address")

    handlers = JobHandlers()
    handlers.register("refuses", refuses)
    await enqueue(database, "refuses", "r")
    await enqueue(database, "nobody_handles", "n")
    await JobRunner(database, SetClock(NOW), handlers, SETTINGS).run_due()
    found = await jobs(database)
    assert (found["r"].state, found["r"].attempts) == (JobState.DEAD, 1)
    assert found["n"].state == JobState.DEAD
    assert found["n"].last_error == "PermanentFailure: no handler for jobs of kind 'nobody_handles'"


async def test_a_job_that_outlives_its_lease_share_is_given_up(database):
    async def hangs(job, session):
        await asyncio.sleep(30)
        return "never"

    handlers = JobHandlers()
    handlers.register("hangs", hangs)
    await enqueue(database, "hangs", "h")
    quick = RunnerSettings(
        lease=timedelta(seconds=0.5),
        max_attempts=3,
        backoff=timedelta(minutes=1),
        batch=1,
        concurrency=1,
    )
    await JobRunner(database, SetClock(NOW), handlers, quick).run_once()
    job = (await jobs(database))["h"]
    assert job.state == JobState.DUE and job.last_error == "TimeoutError"


def test_one_handler_per_kind():
    handlers = JobHandlers()

    async def handler(job, session):
        return "ok"

    handlers.register("mail", handler)
    try:
        handlers.register("mail", handler)
    except ValueError as error:
        assert "registered already" in str(error)
    else:
        raise AssertionError("a second handler for one kind was accepted")
    assert handlers.kinds == ["mail"]
