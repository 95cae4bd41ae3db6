"""One helpdesk replica's scheduler in a process of its own, for the replica tests: the runner and
the mailer create_app wires (jobs/context.py, mail/service.py), on a clock set to the test's
instant, against the test's PostgreSQL and SMTP server. It runs the due jobs until none is left
due or running (a job a dead replica holds counts until its lease runs out), then exits.

python -m tests.jobs.replica DATABASE_URL SMTP_PORT INSTANT ANCHOR LEASE_SECONDS

INSTANT was the time at ANCHOR, a reading of time.monotonic() (one clock for every process of
the machine): so all replicas read the same "now", as NTP-synchronised machines do.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from helpdesk.clock import SetClock
from helpdesk.database import Database
from helpdesk.jobs.context import runner_settings
from helpdesk.jobs.models import DueJob, JobState
from helpdesk.jobs.runner import JobHandlers, JobRunner
from helpdesk.languages.locales import Locales
from helpdesk.mail.senders import sender_for
from helpdesk.mail.service import MAIL_JOB, Mailer
from helpdesk.settings import Settings


async def unfinished(database: Database) -> int:
    async with database.session() as session:
        query = select(func.count()).where(col(DueJob.state).in_([JobState.DUE, JobState.RUNNING]))
        return (await session.exec(query)).one()


async def main(url: str, smtp_port: int, instant: datetime, anchor: float, lease: float) -> None:
    settings = Settings(
        environment="test",
        database_url=url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_security="none",
        jobs_lease_seconds=lease,
        jobs_backoff_seconds=1.0,  # a try cut short on a busy machine comes again soon
        jobs_batch=10,
        jobs_concurrency=4,
    )
    database = Database(settings.database, pool_size=6)
    clock = SetClock(instant + timedelta(seconds=time.monotonic() - anchor))
    handlers = JobHandlers()
    mailer = Mailer(settings, Locales.load(settings.locales_dir), sender_for(settings), clock)
    handlers.register(MAIL_JOB, mailer.handle_job)
    runner = JobRunner(database, clock, handlers, runner_settings(settings))
    sys.stdout.write("ready\n")  # the test waits for this line
    sys.stdout.flush()
    try:
        while await runner.run_due() or await unfinished(database):
            await asyncio.sleep(0.2)
    finally:
        await database.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    url, port, moment, anchor, lease = sys.argv[1:6]
    asyncio.run(main(url, int(port), datetime.fromisoformat(moment), float(anchor), float(lease)))
