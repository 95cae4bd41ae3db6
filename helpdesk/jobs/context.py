"""The due jobs in the running service: the handlers create_app registered, and the runner that
looks for due work every few seconds on the one clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

from aiohttp import web

from helpdesk.background import repeating
from helpdesk.clock import Clock
from helpdesk.database import DB
from helpdesk.jobs.runner import JobHandlers, JobRunner, RunnerSettings
from helpdesk.settings import Settings

JOBS = web.AppKey("jobs", JobRunner)
# Handlers by job kind: create_app registers them (app[JOB_HANDLERS].register("kind", handler)).
JOB_HANDLERS = web.AppKey("job_handlers", JobHandlers)


def runner_settings(settings: Settings) -> RunnerSettings:
    return RunnerSettings(
        lease=timedelta(seconds=settings.jobs_lease_seconds),
        max_attempts=settings.jobs_max_attempts,
        backoff=timedelta(seconds=settings.jobs_backoff_seconds),
        batch=settings.jobs_batch,
        concurrency=settings.jobs_concurrency,
    )


def jobs_context(settings: Settings, clock: Clock, handlers: JobHandlers):
    """cleanup_ctx: run the due jobs every JOBS_POLL_SECONDS while the service runs."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        runner = JobRunner(app[DB], clock, handlers, runner_settings(settings))
        app[JOBS] = runner
        async with repeating(
            runner.run_due, every=settings.jobs_poll_seconds, doing="running the due jobs"
        ):
            yield

    return context
