"""Live events across helpdesk replicas: published through Redis, delivered by every replica to
its own websockets, so a shopper on one replica and an agent on another see each other live.
When Redis goes away each replica goes on delivering its own events, and subscribes again."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
import uuid
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from helpdesk.clock import Clock
from helpdesk.live.events import EventHub
from helpdesk.live.presence import RedisPresence

log = logging.getLogger(__name__)

RETRY_FIRST_SECONDS = 0.1  # the pause before subscribing again, doubled up to the cap
RETRY_CAP_SECONDS = 5.0
TIMEOUT_SECONDS = 5.0  # connecting, a command, Redis confirming a subscription
# After this long without a word from Redis it is sent a PING, and if that gets no answer in as
# long again the connection is dead: a firewall or NAT that drops an idle one never says so.
QUIET_SECONDS = 15.0

# Exactly once on this replica. Events travel as {"origin", "seq", "event"}. One published while
# subscribed waits in `_pending` and is delivered when it comes back from Redis; one published
# while not subscribed is delivered at once. Whatever delivers a pending event first takes it out
# of `_pending` (its echo, its publish failing, the subscription breaking), and an echo of ours
# that is not pending was delivered already and is dropped: nothing is delivered twice. Nothing
# is lost: Redis sends us everything published after it confirmed our PSUBSCRIBE unless that
# connection breaks, and a break delivers everything still pending. When Redis comes back we count
# as subscribed only from its confirmation on: what is published before is delivered at once and
# its echo, should Redis already have had us subscribed, dropped. Other replicas' events sent
# while we were not subscribed are not replayed (pub/sub keeps nothing).


class RedisEventHub(EventHub):
    """EventHub whose publish goes out through Redis pub/sub and comes back to every replica
    (this one included, so all replicas see one order of events). While Redis is away, this
    replica's events are delivered to its own subscribers at once."""

    def __init__(self, url: str, prefix: str, *, clock: Clock | None = None) -> None:
        super().__init__()
        self.prefix = prefix
        self.clock = clock or Clock()
        self.origin = uuid.uuid4().hex  # this hub, in what it sends
        # One retry: the first command on a pooled connection of a Redis since restarted fails.
        self.client = redis.from_url(
            url,
            retry=Retry(NoBackoff(), 1),
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
        )
        # No retries for the subscriber: redis-py would reconnect and resubscribe unseen, and what
        # was published in between would be missed without our knowing.
        self._listener = redis.from_url(
            url,
            retry=Retry(NoBackoff(), 0),
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            client_name=f"helpdesk-events-{self.origin[:12]}",
        )
        self._seq = itertools.count(1)
        self._pending: dict[int, tuple[str, dict[str, Any]]] = {}
        self._last_seen: dict[str, int] = {}  # by origin: a publish retried can arrive twice
        self._outgoing: asyncio.Queue[tuple[int, str, dict[str, Any]]] = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []
        self._tried = asyncio.Event()  # the first subscription was made, or failed
        self.subscribed = False
        self._since = self.clock.now()
        self._attempts = 0  # failed attempts to subscribe since the last success
        self.presence = RedisPresence(self.client, prefix)

    @property
    def status(self) -> dict[str, Any]:
        return {
            "mode": "redis",
            "subscribed": self.subscribed,
            "since": self._since.isoformat(timespec="seconds"),
            "reconnect_attempts": self._attempts,
        }

    @contextlib.asynccontextmanager
    async def subscribe(self, conversation_id: str) -> AsyncIterator[asyncio.Queue]:
        """As in one process, and known to every replica while it lasts (live/presence.py)."""
        async with super().subscribe(conversation_id) as queue:
            async with self.presence.held(conversation_id):
                yield queue

    async def listening(self, channel: str) -> bool:
        return self.listeners(channel) > 0 or await self.presence.anywhere(channel)

    def publish(self, channel: str, event: dict[str, Any]) -> None:
        seq = next(self._seq)
        if self.subscribed:
            self._pending[seq] = (channel, event)
        else:
            self._deliver(channel, event)
        self._outgoing.put_nowait((seq, channel, event))  # other replicas hear it either way

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._send()), asyncio.create_task(self._receive())]
        # Awaited so that events published right after start go round through Redis; a Redis that
        # is down does not stop the service, which goes on with this replica's events.
        await self._tried.wait()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.subscribed = False  # what is published now is delivered here at once
        await self._listener.aclose()
        await self.client.aclose()

    def _deliver(self, channel: str, event: dict[str, Any]) -> None:
        EventHub.publish(self, channel, event)

    def _deliver_pending(self, up_to: int | None = None) -> None:
        """Deliver here what will not come back from Redis, in the order it was published."""
        for seq in [seq for seq in self._pending if up_to is None or seq <= up_to]:
            self._deliver(*self._pending.pop(seq))

    async def _send(self) -> None:
        while True:
            seq, channel, event = await self._outgoing.get()
            try:
                message = json.dumps({"origin": self.origin, "seq": seq, "event": event})
                await self.client.publish(self.prefix + channel, message)
            except Exception as error:  # noqa: BLE001 - the sender must outlive any one failure
                if seq in self._pending:  # while not subscribed, failures are no news
                    log.warning("Redis publish failed (%s); delivering on this replica only", error)
                self._deliver_pending(up_to=seq)  # earlier ones first: they keep their order

    async def _receive(self) -> None:
        """Subscribe, deliver, and when that fails subscribe again after a pause, forever."""
        delay = RETRY_FIRST_SECONDS
        while True:
            pubsub = self._listener.pubsub()
            try:
                await self._subscribe(pubsub)
                delay = RETRY_FIRST_SECONDS
                await self._listen(pubsub)
            except Exception as error:  # noqa: BLE001 - whatever broke, the remedy is the same
                self._lost(error)
            finally:
                with contextlib.suppress(redis.RedisError, OSError):
                    await pubsub.aclose()
            # Always a pause, so a Redis that accepts and drops at once is never hammered;
            # jittered, so replicas do not all come back to a restarted Redis at the same instant.
            await asyncio.sleep(random.uniform(delay / 2, delay))
            delay = min(delay * 2, RETRY_CAP_SECONDS)

    async def _subscribe(self, pubsub) -> None:
        await pubsub.psubscribe(f"{self.prefix}*")
        reply = await pubsub.get_message(timeout=TIMEOUT_SECONDS)
        if not reply or reply["type"] != "psubscribe":
            raise redis.ConnectionError(f"Redis did not confirm the subscription ({reply!r})")
        if self._attempts:
            log.info(
                "live events: subscribed to Redis again after %d failed attempts", self._attempts
            )
        else:
            log.info("live events: subscribed to Redis")
        self.subscribed, self._since, self._attempts = True, self.clock.now(), 0
        self._tried.set()

    async def _listen(self, pubsub) -> None:
        """Deliver what arrives until the connection fails (returns only by raising)."""
        pinged = False
        while True:
            item = await pubsub.get_message(timeout=QUIET_SECONDS)
            if item is None and pinged:
                raise redis.ConnectionError(f"Redis did not answer a PING in {QUIET_SECONDS} s")
            if item is None:
                await pubsub.ping()
            elif item["type"] == "pmessage":
                self._arrived(item["channel"], item["data"])
            pinged = item is None

    def _arrived(self, channel: bytes, data: bytes) -> None:
        try:
            sent = json.loads(data)
            origin, seq, event = sent["origin"], sent["seq"], sent["event"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed live event on %r", channel)
            return
        channel_name = channel.decode()[len(self.prefix) :]
        if origin == self.origin:
            if self._pending.pop(seq, None) is not None:
                self._deliver(channel_name, event)
        elif seq > self._last_seen.get(origin, 0):
            self._last_seen[origin] = seq
            self._deliver(channel_name, event)

    def _lost(self, error: Exception) -> None:
        if self.subscribed:
            log.warning(
                "live events: lost the Redis subscription (%s); delivering on this "
                "replica only until it is back",
                error,
            )
            self.subscribed, self._since = False, self.clock.now()
        elif not self._tried.is_set():
            log.warning(
                "live events: cannot subscribe to Redis (%s); delivering on this "
                "replica only until it can",
                error,
            )
        else:
            log.debug("live events: subscribing to Redis failed again (%s)", error)
        self._attempts += 1
        self._tried.set()
        self._deliver_pending()  # none of them can come back now
