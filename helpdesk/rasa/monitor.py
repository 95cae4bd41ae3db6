"""Whether the bot is ready, starting or down, watched in the background; wakes the relay."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from enum import StrEnum

from aiohttp import web

from helpdesk.rasa.client import Bot

log = logging.getLogger(__name__)
SHUTDOWN_GRACE_SECONDS = 10.0


class BotStatus(StrEnum):
    READY = "ready"
    STARTING = "starting"  # not answering yet, within the start-up grace period
    DOWN = "down"  # was ready and stopped answering, or never came up within the grace period


class BotMonitor:
    def __init__(self, bot: Bot, *, startup_grace: float, interval: float = 2.0) -> None:
        self.bot = bot
        self.startup_grace = startup_grace
        self.interval = interval
        self.started = time.monotonic()
        self.ever_ready = False
        self.status = BotStatus.STARTING
        self.on_ready: list[Callable[[], Awaitable[None]]] = []

    async def check(self) -> BotStatus:
        ready = await self.bot.is_ready()
        previous, self.status = self.status, self._status(ready)
        if self.status != previous:
            log.info("bot is %s", self.status)
        if self.status is BotStatus.READY:
            for callback in self.on_ready:  # called on every check: each decides if it has work
                await callback()
        return self.status

    def _status(self, ready: bool) -> BotStatus:
        if ready:
            self.ever_ready = True
            return BotStatus.READY
        within_grace = time.monotonic() - self.started < self.startup_grace
        return BotStatus.STARTING if within_grace and not self.ever_ready else BotStatus.DOWN

    async def watch(self, stop: asyncio.Event) -> None:
        """Check every `interval` until `stop` is set; a check under way is let finish."""
        while not stop.is_set():
            try:
                await self.check()
            except Exception:  # noqa: BLE001 - the watcher must outlive any single failure
                log.exception("checking the bot failed")
            try:
                await asyncio.wait_for(stop.wait(), self.interval)
            except TimeoutError:
                pass


BOT_MONITOR = web.AppKey("bot_monitor", BotMonitor)


async def watch_bot(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: watch the app's bot monitor while the app runs."""
    stop = asyncio.Event()
    task = asyncio.create_task(app[BOT_MONITOR].watch(stop))
    yield
    # Stopped between checks rather than cancelled inside one: a database call cancelled half-way
    # leaves SQLite's worker thread to finish after the event loop has gone.
    stop.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), SHUTDOWN_GRACE_SECONDS)
    except TimeoutError:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
