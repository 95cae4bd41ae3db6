"""Two helpdesk replicas, each a process of its own, run the scheduler at once on one PostgreSQL
database over 1,000 due emails: each is sent exactly once, counted at a real SMTP server. Killing
one replica mid-run (SIGKILL) loses nothing: the other takes its jobs once their lease runs out.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from helpdesk.database import Database
from helpdesk.jobs.models import DueJob, JobState
from helpdesk.mail.models import MailRecord
from helpdesk.mail.service import MailRequest, enqueue_mail
from helpdesk.settings import PROJECT_ROOT
from tests.support.instants import WEEKDAY_MORNING_IN_AMSTERDAM

JOBS = 1000
LEASE_SECONDS = 8.0  # short, so that the survivor takes the dead replica's jobs within seconds
HELD = 4  # tests/jobs/replica.py: the most jobs one replica holds at once (its concurrency)
NOW = WEEKDAY_MORNING_IN_AMSTERDAM


@pytest.fixture
async def due_emails(postgres_url):
    database = Database(postgres_url)
    await database.upgrade()
    async with database.session() as session:
        for number in range(JOBS):
            request = MailRequest(
                to=f"shopper{number}@example.com",
                kind="shipped_thank_you",
                lang=("en", "es", "de", "zh")[number % 4],
                variables={
                    "name": f"S{number}",
                    "order_number": f"AN-{number}",
                    "tracking_url": "",
                },
            )
            await enqueue_mail(
                session, request, due_at=NOW, dedupe_key=f"shipped:AN-{number}", now=NOW
            )
        await session.commit()
    yield database
    await database.close()


def start_replica(url: str, smtp_port: int, anchor: float) -> subprocess.Popen:
    """A replica whose clock reads NOW at `anchor` (time.monotonic()), like every other's."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.replica", url, str(smtp_port), NOW.isoformat()]
        + [str(anchor), str(LEASE_SECONDS)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def finished(process: subprocess.Popen, seconds: float = 60) -> int:
    try:
        process.communicate(timeout=seconds)  # also closes its stdout
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise AssertionError("a replica did not finish its jobs in time") from None
    return process.returncode


async def states(database: Database) -> Counter:
    async with database.session() as session:
        query = select(DueJob.state, func.count()).group_by(col(DueJob.state))
        return Counter(dict((await session.exec(query)).all()))


async def sent_records(database: Database) -> int:
    async with database.session() as session:
        return (await session.exec(select(func.count()).select_from(MailRecord))).one()


def recipients(mailbox) -> Counter:
    return Counter(rcpt for _, rcpts in mailbox.envelopes for rcpt in rcpts)


async def test_two_replicas_send_each_email_exactly_once(postgres_url, due_emails, smtp_server):
    anchor = time.monotonic()
    replicas = [start_replica(postgres_url, smtp_server.port, anchor) for _ in range(2)]
    codes = await asyncio.gather(*(asyncio.to_thread(finished, r) for r in replicas))
    assert codes == [0, 0]
    mailbox = smtp_server.mailbox
    assert mailbox.count() == JOBS
    assert set(recipients(mailbox).values()) == {1} and len(recipients(mailbox)) == JOBS
    assert set(mailbox.by_message_id().values()) == {1}
    assert await states(due_emails) == Counter({JobState.DONE: JOBS})
    assert await sent_records(due_emails) == JOBS


async def test_a_replica_killed_mid_run_loses_nothing(postgres_url, due_emails, smtp_server):
    anchor = time.monotonic()
    doomed, survivor = (start_replica(postgres_url, smtp_server.port, anchor) for _ in range(2))
    mailbox = smtp_server.mailbox
    deadline = time.monotonic() + 30
    while mailbox.count() < JOBS // 5:  # well under way, far from done
        assert time.monotonic() < deadline, "the replicas sent nothing"
        await asyncio.sleep(0.01)
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate()
    killed_at = mailbox.count()
    assert killed_at < JOBS, "the run ended before the kill: nothing was tested"

    assert await asyncio.to_thread(finished, survivor) == 0
    assert doomed.returncode == -signal.SIGKILL
    assert await states(due_emails) == Counter({JobState.DONE: JOBS})
    assert await sent_records(due_emails) == JOBS
    received = recipients(mailbox)
    assert len(received) == JOBS  # every shopper got their email
    # A job the killed replica had sent but not yet recorded is sent again by the survivor: at
    # most the jobs it held, and with the same Message-ID, so the mail client shows it once.
    assert sum(received.values()) - JOBS <= HELD
    assert len(mailbox.by_message_id()) == JOBS
