"""The composition root: `create_app` is the one place where dependencies are chosen."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial

import aiohttp
from aiohttp import web

from bot.actions.services import ShopServices
from helpdesk import health_api
from helpdesk.agents import api as agent_api
from helpdesk.agents import workspace_page
from helpdesk.agents.desk import AgentDesk
from helpdesk.background import repeating
from helpdesk.chat import api as chat_api
from helpdesk.chat import widget_api
from helpdesk.chat.guard import RATE_LIMITER, RateLimiter, chat_guard
from helpdesk.chat.outbox import Outbox
from helpdesk.chat.payloads import ShopperPayloads, domain_intents
from helpdesk.chat.service import Chat
from helpdesk.clock import Clock
from helpdesk.database import DB, Database, database_context
from helpdesk.delays import context as delays
from helpdesk.delays.jobs import DELAY_JOB
from helpdesk.followups import context as followups
from helpdesk.followups import rating_page, transcript_api
from helpdesk.followups.jobs import FOLLOWUP_JOB
from helpdesk.insights import api as insights_api
from helpdesk.insights import chart_api, folding
from helpdesk.insights import page as insights_page
from helpdesk.insights.bot_resolutions import SWEEP_EVERY_SECONDS, BotResolutions
from helpdesk.insights.facts import FOLD_EVERY_SECONDS
from helpdesk.insights.service import Insights
from helpdesk.jobs import api as jobs_api
from helpdesk.jobs.context import JOB_HANDLERS, jobs_context
from helpdesk.jobs.runner import JobHandlers
from helpdesk.languages import argos
from helpdesk.languages.detection import LanguageDetector
from helpdesk.languages.locales import Locales
from helpdesk.languages.translation import Translator
from helpdesk.live import sockets
from helpdesk.live.events import EventHub
from helpdesk.live.redis_events import RedisEventHub
from helpdesk.loyalty import api as loyalty_api
from helpdesk.mail import api as mail_api
from helpdesk.mail import unsubscribe_api
from helpdesk.mail.senders import MailSender, sender_for
from helpdesk.mail.service import MAIL_JOB, Mailer
from helpdesk.metrics import api as metrics_api
from helpdesk.metrics.bot import TimedBot
from helpdesk.metrics.instruments import METRICS, Metrics
from helpdesk.metrics.middleware import count_requests
from helpdesk.orders import shopify_api
from helpdesk.policies.store import PolicyStore
from helpdesk.policies.watch import POLICIES, policy_context
from helpdesk.rasa import actions_api
from helpdesk.rasa.callbacks import callbacks_context
from helpdesk.rasa.client import Bot, RasaBot
from helpdesk.rasa.monitor import BOT_MONITOR, BotMonitor, watch_bot
from helpdesk.rasa.training import BOT_DIR
from helpdesk.settings import Settings
from helpdesk.web.keys import CLOCK, EVENTS, LOCALES, SETTINGS
from helpdesk.web.middleware import error_middleware

NLU_DIR = BOT_DIR / "data" / "nlu"


def create_app(
    settings: Settings,
    *,
    bot: Bot | None = None,
    locales: Locales | None = None,
    detector: LanguageDetector | None = None,
    translator: Translator | None = None,
    clock: Clock | None = None,
    mail_sender: MailSender | None = None,
) -> web.Application:
    """The helpdesk app. Real dependencies by default; tests pass fakes (a FakeBot, say) and
    set the clock to the instant they are about."""
    clock = clock or Clock()
    # The guard is outside the error middleware so that error answers carry CORS headers a shop
    # page can read; the request count is outermost, to count the status the client received.
    app = web.Application(
        middlewares=[count_requests, chat_guard, error_middleware], client_max_size=64 * 1024
    )
    metrics = app[METRICS] = Metrics()  # a registry per app: test apps never mix their figures
    app[RATE_LIMITER] = RateLimiter()
    sockets.install(app)
    app[SETTINGS] = settings
    app[CLOCK] = clock
    locales = locales or Locales.load(settings.locales_dir)
    app[LOCALES] = locales
    app[actions_api.EXECUTOR] = actions_api.action_executor()
    app.cleanup_ctx.append(database_context(settings))
    app.cleanup_ctx.append(policy_context(settings.policies_dir))
    detector = detector or LanguageDetector.from_training_data(settings.languages, NLU_DIR)
    if translator is None:
        app.cleanup_ctx.append(_argos_context(settings))
        translator = Translator(argos.ArgosEngine())
    translator.observer = metrics.translation  # one passed in (a test's) reports to this app too
    app.cleanup_ctx.append(
        _services_context(settings, bot, locales, detector, translator, clock, metrics)
    )
    app.cleanup_ctx.append(_bot_resolutions)
    app.cleanup_ctx.append(watch_bot)
    app.cleanup_ctx.append(callbacks_context(settings))  # Rasa's doors, on their own listener
    # Work due later, and the shop's emails: the mailer is the handler of "mail" jobs.
    handlers = app[JOB_HANDLERS] = JobHandlers()
    mailer = app[mail_api.MAILER] = Mailer(
        settings, locales, mail_sender or sender_for(settings), clock
    )
    handlers.register(MAIL_JOB, mailer.handle_job)
    # Late parcels: the sweep finds them, the notices tell the shopper (widget, else email).
    handlers.register(DELAY_JOB, delays.handler(app))
    app.cleanup_ctx.append(delays.delays_context(settings, clock))
    # Follow-ups by email (thank-you, check-in, review, points expiry): sweeps queue them.
    handlers.register(FOLLOWUP_JOB, followups.handler(app))
    app.cleanup_ctx.append(followups.followups_context(settings, clock))
    app.cleanup_ctx.append(jobs_context(settings, clock, handlers))
    for module in (health_api, chat_api, agent_api, shopify_api, workspace_page, widget_api):
        app.router.add_routes(module.routes)
    app.router.add_routes(loyalty_api.routes)  # goodwill points by agents
    for module in (insights_api, chart_api, insights_page):  # the KPIs and retention, for admins
        app.router.add_routes(module.routes)
    app.router.add_routes(metrics_api.routes)  # for Prometheus, behind METRICS_TOKEN
    for module in (jobs_api, mail_api, unsubscribe_api):  # dead jobs and outbox for admins
        app.router.add_routes(module.routes)
    app.router.add_routes(rating_page.routes)  # the page behind the CSAT email's link
    app.router.add_routes(transcript_api.routes)  # the widget asks for the transcript by email
    return app


def _argos_context(settings: Settings):
    """cleanup_ctx: point argostranslate at var/argos before anything translates."""

    async def context(_app: web.Application) -> AsyncIterator[None]:
        await asyncio.to_thread(argos.configure, settings.var_dir)
        yield

    return context


async def _bot_resolutions(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the sweep that records the conversations the bot resolved, and the fold of
    each conversation's facts and of the closed days for the insights."""
    chat = app[chat_api.CHAT]
    resolutions = BotResolutions(
        database=app[DB], outbox=chat.outbox, clock=app[CLOCK], turns=chat.turns
    )
    async with (
        repeating(
            resolutions.sweep, every=SWEEP_EVERY_SECONDS, doing="recording the bot's resolutions"
        ),
        repeating(
            partial(_fold, app[DB], app[POLICIES], app[CLOCK]),
            every=FOLD_EVERY_SECONDS,
            doing="folding the insights' facts and days",
        ),
    ):
        yield


async def _fold(database: Database, policies: PolicyStore, clock: Clock) -> None:
    async with database.session() as session:
        await folding.fold(session, today=clock.today(), support=policies.support())


def _services_context(
    settings: Settings,
    bot: Bot | None,
    locales: Locales,
    detector: LanguageDetector,
    translator: Translator,
    clock: Clock,
    metrics: Metrics,
):
    """cleanup_ctx: the HTTP client, the bot and its monitor, and the chat path built on them."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession() as http:
            chosen = bot or RasaBot(
                settings.rasa_url, settings.rasa_token, settings.bot_timeout_seconds, http
            )
            events = (
                RedisEventHub(settings.redis_url, f"helpdesk:{settings.shop}:", clock=clock)
                if settings.redis_url
                else EventHub()
            )
            await events.start()
            app[EVENTS] = events
            # What shoppers and agents are told; every message stored passes it once, counted.
            outbox = Outbox(locales, translator, events, count_message=metrics.count_message)
            chat = Chat(
                settings,
                app[DB],
                TimedBot(chosen, metrics.bot_reply_seconds),  # replies timed; health probes not
                outbox=outbox,
                detector=detector,
                translator=translator,
                policies=app[POLICIES],
                clock=clock,
                payloads=ShopperPayloads(domain_intents(BOT_DIR / "domain.yml")),
            )
            app[chat_api.CHAT] = chat
            app[agent_api.DESK] = AgentDesk(
                database=app[DB],
                outbox=outbox,
                detector=detector,
                translator=translator,
                locales=locales,
                policies=app[POLICIES],
                clock=clock,
                count_claim=metrics.count_claim,
            )
            app[insights_api.INSIGHTS] = Insights(
                database=app[DB], policies=app[POLICIES], clock=clock
            )
            app[actions_api.SERVICES] = ShopServices(
                settings=settings, database=app[DB], policies=app[POLICIES], now=clock.now
            )
            monitor = BotMonitor(chosen, startup_grace=settings.bot_startup_grace_seconds)
            monitor.on_ready.append(chat.answer_all_pending)  # answer what came in during an outage
            app[BOT_MONITOR] = monitor
            try:
                yield
            finally:
                await events.close()

    return context
