"""The runner: claims due jobs, hands each to the handler of its kind, and records what happened
in the handler's own transaction (done), or as a failure to try again later (or dead)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import Clock
from helpdesk.database import Database
from helpdesk.jobs import queue
from helpdesk.jobs.models import ClaimedJob, JobState

log = logging.getLogger(__name__)
# A handler does the job's work and says in a few words what it did ("sent", "suppressed");
# what it writes in `session` is committed with the job's "done", or not at all.
Handler = Callable[[ClaimedJob, AsyncSession], Awaitable[str]]
# A job may use this share of its lease (counted from its claim); past it the runner gives up.
LEASE_SHARE = 0.8


class PermanentFailure(Exception):
    """A job no retry can help (a payload of the wrong shape): dead at once."""


class JobHandlers:
    """The handlers by job kind. create_app registers them; a kind without one is dead-lettered
    (visible to admins) rather than lost, and can be re-queued once a handler exists."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self._handlers:
            raise ValueError(f"a handler for {kind!r} is registered already")
        self._handlers[kind] = handler

    def get(self, kind: str) -> Handler | None:
        return self._handlers.get(kind)

    @property
    def kinds(self) -> list[str]:
        return sorted(self._handlers)


@dataclass(frozen=True)
class RunnerSettings:
    lease: timedelta
    max_attempts: int
    backoff: timedelta
    batch: int
    concurrency: int


class JobRunner:
    """Runs the jobs due now, on the one clock; any number of replicas may run one each."""

    def __init__(
        self, database: Database, clock: Clock, handlers: JobHandlers, settings: RunnerSettings
    ) -> None:
        self.database, self.clock, self.handlers, self.settings = (
            database,
            clock,
            handlers,
            settings,
        )
        self._slots = asyncio.Semaphore(settings.concurrency)

    async def run_due(self) -> int:
        """Run batches until nothing is due; the number of jobs run."""
        total = 0
        while ran := await self.run_once():
            total += ran
        return total

    async def run_once(self) -> int:
        """Claim what can start at once (no more than the free slots: a claimed job waiting for
        a slot would use up its lease) and run it; the number of jobs claimed."""
        async with self.database.session() as session:
            jobs = await queue.claim(
                session,
                now=self.clock.now(),
                lease=self.settings.lease,
                limit=min(self.settings.batch, self.settings.concurrency),
            )
        # The lease runs from the claim: past this share of it the job is given up, before
        # another replica could take it over and do it a second time.
        deadline = (
            asyncio.get_running_loop().time() + self.settings.lease.total_seconds() * LEASE_SHARE
        )
        await asyncio.gather(*(self._run(job, deadline) for job in jobs))
        return len(jobs)

    async def _run(self, job: ClaimedJob, deadline: float) -> None:
        async with self._slots, self.database.session() as session:
            if asyncio.get_running_loop().time() >= deadline:
                log.warning(
                    "job %d (%s) waited past its lease: left to the next claim", job.id, job.kind
                )
                return
            try:
                handler = self.handlers.get(job.kind)
                if handler is None:
                    raise PermanentFailure(f"no handler for jobs of kind {job.kind!r}")
                async with asyncio.timeout_at(deadline):
                    outcome = await handler(job, session)
            except Exception as error:  # noqa: BLE001 - every failure is recorded on the job
                await session.rollback()
                await self._failed(session, job, error)
                return
            if await queue.finish(session, job, now=self.clock.now(), outcome=outcome):
                await session.commit()
            else:
                await session.rollback()
                log.warning("job %d (%s) lost its lease before it finished", job.id, job.kind)

    async def _failed(self, session: AsyncSession, job: ClaimedJob, error: Exception) -> None:
        said = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        state = await queue.fail(
            session,
            job,
            now=self.clock.now(),
            error=said,
            max_attempts=self.settings.max_attempts,
            base=self.settings.backoff,
            permanent=isinstance(error, PermanentFailure),
        )
        await session.commit()
        if state == JobState.DEAD:
            log.error("job %d (%s) is dead after %d tries: %s", job.id, job.kind, job.attempt, said)
        else:
            log.warning("job %d (%s) failed (try %d): %s", job.id, job.kind, job.attempt, said)
