"""The composition root: `create_app` is the one place where dependencies are chosen."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot.actions.services import ShopServices
from helpdesk import health_api
from helpdesk.agents import api as agent_api
from helpdesk.agents import workspace_page
from helpdesk.agents.desk import AgentDesk
from helpdesk.chat import api as chat_api
from helpdesk.chat import widget_api
from helpdesk.chat.guard import RATE_LIMITER, RateLimiter, chat_guard
from helpdesk.chat.outbox import Outbox
from helpdesk.chat.payloads import ShopperPayloads, domain_intents
from helpdesk.chat.service import Chat
from helpdesk.clock import Clock
from helpdesk.database import DB, database_context
from helpdesk.languages import argos
from helpdesk.languages.detection import LanguageDetector
from helpdesk.languages.locales import Locales
from helpdesk.languages.translation import Translator
from helpdesk.live import sockets
from helpdesk.live.events import EventHub
from helpdesk.live.redis_events import RedisEventHub
from helpdesk.orders import shopify_api
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
) -> web.Application:
    """The helpdesk app. Real dependencies by default; tests pass fakes (a FakeBot, say) and
    set the clock to the instant they are about."""
    clock = clock or Clock()
    # The guard is outermost so that error answers carry CORS headers a shop page can read.
    app = web.Application(middlewares=[chat_guard, error_middleware], client_max_size=64 * 1024)
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
    app.cleanup_ctx.append(_services_context(settings, bot, locales, detector, translator, clock))
    app.cleanup_ctx.append(watch_bot)
    app.cleanup_ctx.append(callbacks_context(settings))  # Rasa's doors, on their own listener
    for module in (health_api, chat_api, agent_api, shopify_api, workspace_page, widget_api):
        app.router.add_routes(module.routes)
    return app


def _argos_context(settings: Settings):
    """cleanup_ctx: point argostranslate at var/argos before anything translates."""

    async def context(_app: web.Application) -> AsyncIterator[None]:
        await asyncio.to_thread(argos.configure, settings.var_dir)
        yield

    return context


def _services_context(
    settings: Settings,
    bot: Bot | None,
    locales: Locales,
    detector: LanguageDetector,
    translator: Translator,
    clock: Clock,
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
            outbox = Outbox(locales, translator, events)  # what shoppers and agents are told
            chat = Chat(
                settings,
                app[DB],
                chosen,
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
