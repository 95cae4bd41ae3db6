"""Who listens, across replicas (live/presence.py): a subscription on one hub is seen by another
while it lasts; an entry its replica stopped refreshing expires; with Redis away a hub knows
only its own listeners, and says so at once."""

from __future__ import annotations

import asyncio
import time

from helpdesk.live import presence


async def eventually(check, expected: bool, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while await check() != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"still not {expected} after {timeout} s")
        await asyncio.sleep(0.02)


async def test_a_subscription_on_one_replica_is_seen_by_the_other_while_it_lasts(hubs):
    one, other = hubs
    assert not await other.listening("c1")
    async with one.subscribe("c1"):
        await eventually(lambda: other.listening("c1"), True)
        assert await one.listening("c1") and not await other.listening("c2")
    assert not await other.listening("c1")  # taken out as the subscription ends


async def test_an_entry_no_longer_refreshed_expires(hubs, monkeypatch):
    one, other = hubs
    monkeypatch.setattr(presence, "LIFETIME_SECONDS", 1)
    await one.presence._mark("c1", "a-replica-that-died")
    assert await other.listening("c1")
    await asyncio.sleep(1.2)
    assert not await other.listening("c1")


async def test_with_redis_away_a_hub_knows_its_own_listeners_and_answers_at_once(
    redis_server, hubs
):
    one, other = hubs
    async with one.subscribe("c1"):
        await eventually(lambda: other.listening("c1"), True)
        redis_server.stop()
        started = time.monotonic()
        assert await one.listening("c1")  # its own socket
        assert not await other.listening("c1")  # can't tell: the widget gets an email instead
        assert time.monotonic() - started < 5
