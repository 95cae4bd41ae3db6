"""Who listens where, across replicas: each websocket subscription on any replica holds an entry
in Redis (a sorted set per channel, scored by when the entry expires by Redis's own clock), so
that any replica can ask whether a conversation's widget is open somewhere."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator

import redis.asyncio as redis

log = logging.getLogger(__name__)

REFRESH_SECONDS = 20.0
# An entry its replica stopped refreshing (it died) counts no more after this long.
LIFETIME_SECONDS = 60


class RedisPresence:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client, self.prefix = client, prefix

    def _key(self, channel: str) -> str:
        return f"{self.prefix}present:{channel}"

    async def _now(self) -> float:
        seconds, micros = await self.client.time()  # Redis's clock: replicas' clocks may differ
        return seconds + micros / 1_000_000

    async def _mark(self, channel: str, member: str) -> None:
        key = self._key(channel)
        expires = await self._now() + LIFETIME_SECONDS
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {member: expires})
            pipe.expire(key, LIFETIME_SECONDS)
            await pipe.execute()

    @contextlib.asynccontextmanager
    async def held(self, channel: str) -> AsyncIterator[None]:
        """Counted as listening to `channel` inside the block (while Redis can be reached)."""
        member = uuid.uuid4().hex

        async def refresh() -> None:
            while True:
                try:
                    await self._mark(channel, member)
                except (redis.RedisError, OSError) as error:
                    log.debug("presence of %s not refreshed: %s", channel, error)
                await asyncio.sleep(REFRESH_SECONDS)

        task = asyncio.create_task(refresh())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            with contextlib.suppress(redis.RedisError, OSError):
                await self.client.zrem(self._key(channel), member)

    async def anywhere(self, channel: str) -> bool:
        """Whether a subscriber on any replica listens to `channel`; False when Redis can't say."""
        try:
            now = await self._now()
            return await self.client.zcount(self._key(channel), now, "+inf") > 0
        except (redis.RedisError, OSError) as error:
            log.warning("cannot ask Redis who listens to %s: %s", channel, error)
            return False
