"""Live events across helpdesk replicas: published through Redis, delivered by every replica to
its own websockets, so a shopper on one replica and an agent on another see each other live."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import redis.asyncio as redis

from helpdesk.events import EventHub

log = logging.getLogger(__name__)


class RedisEventHub(EventHub):
    """EventHub whose publish goes out through Redis pub/sub and comes back to every replica
    (this one included, so all replicas see one order of events)."""

    def __init__(self, url: str, prefix: str) -> None:
        super().__init__()
        self.client = redis.from_url(url)
        self.prefix = prefix
        self._outgoing: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []

    def publish(self, channel: str, event: dict[str, Any]) -> None:
        self._outgoing.put_nowait((channel, event))

    async def start(self) -> None:
        pubsub = self.client.pubsub()
        await pubsub.psubscribe(f"{self.prefix}*")
        self._tasks = [asyncio.create_task(self._send()), asyncio.create_task(self._receive(pubsub))]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.client.aclose()

    async def _send(self) -> None:
        while True:
            channel, event = await self._outgoing.get()
            try:
                await self.client.publish(self.prefix + channel, json.dumps(event))
            except redis.RedisError as error:  # Redis away: this replica's clients still hear it
                log.warning("Redis publish failed (%s); delivering on this replica only", error)
                super().publish(channel, event)

    async def _receive(self, pubsub) -> None:
        try:
            async for item in pubsub.listen():
                if item.get("type") != "pmessage":
                    continue
                channel = item["channel"].decode()[len(self.prefix):]
                super().publish(channel, json.loads(item["data"]))
        finally:
            await pubsub.aclose()
