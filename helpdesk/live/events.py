"""Live events of a conversation, fanned out to its websocket subscribers."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

SUBSCRIBER_BACKLOG = 256
# The channel of the agents' workspaces: queue changes, and messages of conversations people have.
AGENTS = "agents"


class EventHub:
    """In-process fan-out: every subscriber of a conversation gets every event published to it."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue]] = defaultdict(set)

    async def start(self) -> None:
        """Nothing to connect to in one process (RedisEventHub connects here)."""

    async def close(self) -> None:
        """Nothing to let go of in one process."""

    @property
    def status(self) -> dict[str, Any]:
        """For /healthz: how events reach subscribers (in one process, nothing can go wrong)."""
        return {"mode": "local"}

    def listeners(self, channel: str) -> int:
        """How many subscribers of this process listen to `channel` (for /metrics)."""
        return len(self._subscribers.get(channel, ()))

    async def listening(self, channel: str) -> bool:
        """Whether anyone listens to `channel` now (on any replica: RedisEventHub asks Redis)."""
        return self.listeners(channel) > 0

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        for queue in self._subscribers.get(conversation_id, ()):
            if (
                queue.full()
            ):  # a stuck client must not hold the others back; it refetches on reconnect
                queue.get_nowait()
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self, conversation_id: str) -> AsyncIterator[asyncio.Queue]:
        queue: asyncio.Queue = asyncio.Queue(SUBSCRIBER_BACKLOG)
        self._subscribers[conversation_id].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[conversation_id].discard(queue)
            if not self._subscribers[conversation_id]:
                del self._subscribers[conversation_id]
