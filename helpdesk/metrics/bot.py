"""The bot, timed: each reply the relay asks of Rasa lands in helpdesk_bot_reply_seconds.

A wrapper around the Bot protocol rather than a timer inside the relay: it times exactly the call
to Rasa (not the wait for a free slot, nor the translation before it), whichever bot was chosen."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from prometheus_client import Histogram

from helpdesk.rasa.client import Bot, BotFailed, BotMessage, BotUnavailable, Understanding


class TimedBot:
    def __init__(self, bot: Bot, seconds: Histogram) -> None:
        self.bot = bot
        self.seconds = seconds

    async def send(
        self, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> list[BotMessage]:
        started, outcome = time.perf_counter(), "error"  # error: anything unforeseen
        try:
            answer = await self.bot.send(conversation_id, text, metadata)
            outcome = "answered"
            return answer
        except BotFailed:
            outcome = "failed"  # Rasa is up and answered this message with an error
            raise
        except BotUnavailable:
            outcome = "unavailable"
            raise
        except asyncio.CancelledError:
            outcome = "cancelled"  # the relay's BOT_TIMEOUT_SECONDS ran out, or the service stops
            raise
        finally:
            self.seconds.labels(outcome=outcome).observe(time.perf_counter() - started)

    async def is_ready(self) -> bool:
        return await self.bot.is_ready()

    async def understand(self, text: str) -> Understanding:
        return await self.bot.understand(text)
