"""The delay notices in the running service: the handler of their jobs, and the late sweep
repeated in the background on the one clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

from aiohttp import web
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.background import repeating
from helpdesk.chat.api import CHAT
from helpdesk.clock import Clock
from helpdesk.database import DB
from helpdesk.delays.notice import DelayNotices
from helpdesk.delays.sweep import SWEEP_EVERY_SECONDS, sweep_once
from helpdesk.jobs.models import ClaimedJob
from helpdesk.jobs.runner import Handler
from helpdesk.policies.watch import POLICIES
from helpdesk.settings import Settings
from helpdesk.web.keys import EVENTS

DELAY_NOTICES = web.AppKey("delay_notices", DelayNotices)


def handler(app: web.Application) -> Handler:
    """The job handler create_app registers: the notices of the running app, built with the
    chat's services once they exist (delays_context)."""

    async def handle(job: ClaimedJob, session: AsyncSession) -> str:
        return await app[DELAY_NOTICES].handle_job(job, session)

    return handle


def delays_context(settings: Settings, clock: Clock):
    """cleanup_ctx, after the chat's services (the notices write through their outbox) and
    before the job runner: the notices built, the sweep running."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        app[DELAY_NOTICES] = DelayNotices(
            policies=app[POLICIES],
            outbox=app[CHAT].outbox,
            events=app[EVENTS],
            clock=clock,
            languages=settings.languages,
        )
        async with repeating(
            partial(sweep_once, app[DB], app[POLICIES], clock),
            every=SWEEP_EVERY_SECONDS,
            doing="looking for late parcels",
        ):
            yield

    return context
