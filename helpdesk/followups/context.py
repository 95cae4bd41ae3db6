"""The follow-ups in the running service: the handler of their jobs, and the sweeps over orders,
loyalty accounts and resolved conversations repeated in the background on the one clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

from aiohttp import web
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.background import repeating
from helpdesk.clock import Clock
from helpdesk.database import DB
from helpdesk.followups import csat, expiry, rating_link, schedule
from helpdesk.followups.handler import FollowUps
from helpdesk.jobs.models import ClaimedJob
from helpdesk.jobs.runner import Handler
from helpdesk.policies.watch import POLICIES
from helpdesk.settings import Settings

FOLLOWUPS = web.AppKey("followups", FollowUps)


def handler(app: web.Application) -> Handler:
    """The job handler create_app registers, reaching the follow-ups once they exist."""

    async def handle(job: ClaimedJob, session: AsyncSession) -> str:
        return await app[FOLLOWUPS].handle_job(job, session)

    return handle


def followups_context(settings: Settings, clock: Clock):
    """cleanup_ctx, after the policies and before the job runner: the handler built, the sweeps
    running."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        def rate_url(conversation_id: str, lang: str) -> str:
            secret, now = settings.unsubscribe_secret, clock.now()
            return rating_link.rate_url(settings.base_url, secret, conversation_id, lang, now=now)

        app[FOLLOWUPS] = FollowUps(
            policies=app[POLICIES], clock=clock, languages=settings.languages, rate_url=rate_url
        )
        async with (
            repeating(
                partial(schedule.sweep_once, app[DB], app[POLICIES], clock),
                every=schedule.SWEEP_EVERY_SECONDS,
                doing="queueing the follow-ups of shipped and delivered orders",
            ),
            repeating(
                partial(expiry.sweep_once, app[DB], app[POLICIES], clock),
                every=schedule.SWEEP_EVERY_SECONDS,
                doing="queueing the points-expiry reminders",
            ),
            repeating(
                partial(csat.sweep_once, app[DB], app[POLICIES], clock),
                every=schedule.SWEEP_EVERY_SECONDS,
                doing="queueing the rating questions of resolved conversations",
            ),
        ):
            yield

    return context
