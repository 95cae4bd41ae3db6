"""Live events through Redis across replicas, on a Redis server of the test's own that the test
stops and starts again: while it is away each replica hears its own events, once, and when it is
back the replicas hear each other again."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
import redis.asyncio as redis

from helpdesk.app import create_app
from helpdesk.live.redis_events import RedisEventHub

pytestmark = pytest.mark.timeout(60)
SETTLE_SECONDS = 0.3  # after the last expected event: long enough for a duplicate to show up


async def until(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.02)


async def exactly(queue: asyncio.Queue, expected: list[dict], timeout: float = 5.0) -> None:
    """The queue gets these events in this order, and then nothing more."""
    got = [await asyncio.wait_for(queue.get(), timeout) for _ in expected]
    assert got == expected
    await asyncio.sleep(SETTLE_SECONDS)
    assert queue.empty(), f"more than expected: {queue.get_nowait()}"


def subscribed(*hubs: RedisEventHub) -> bool:
    return all(hub.status["subscribed"] for hub in hubs)


def away(*hubs: RedisEventHub) -> bool:
    return not any(hub.status["subscribed"] for hub in hubs)


async def test_an_event_published_on_one_replica_reaches_the_other(hubs):
    one, other = hubs
    assert subscribed(one, other)
    async with one.subscribe("c1") as here, other.subscribe("c1") as there:
        one.publish("c1", {"n": 1})
        other.publish("c2", {"n": "elsewhere"})  # another conversation: heard by neither
        one.publish("c1", {"n": 2})
        await exactly(there, [{"n": 1}, {"n": 2}])
        await exactly(here, [{"n": 1}, {"n": 2}])


async def test_while_redis_is_away_a_replica_hears_its_own_events_once(redis_server, hubs):
    one, other = hubs
    async with one.subscribe("c1") as here, other.subscribe("c1") as there:
        redis_server.stop()
        assert one.status["subscribed"]  # not noticed yet: this one waits for its echo
        one.publish("c1", {"n": 1})
        await until(lambda: away(one, other), "both hubs see that Redis is away")
        one.publish("c1", {"n": 2})  # known to be away: delivered at once
        await exactly(here, [{"n": 1}, {"n": 2}])
        assert there.empty()
        status = one.status
        assert status["mode"] == "redis" and status["subscribed"] is False
        assert status["reconnect_attempts"] >= 1


async def test_when_redis_is_back_the_replicas_subscribe_again(redis_server, hubs, caplog):
    one, other = hubs
    caplog.set_level(logging.INFO, logger="helpdesk.live.redis_events")
    async with one.subscribe("c1") as here, other.subscribe("c1") as there:
        redis_server.stop()
        await until(lambda: away(one, other), "both hubs see that Redis is away")
        one.publish("c1", {"n": "while away"})
        await exactly(here, [{"n": "while away"}])
        redis_server.start()
        await until(lambda: subscribed(one, other), "both hubs subscribed again")

        one.publish("c1", {"n": 1})
        one.publish("c1", {"n": 2})
        await exactly(there, [{"n": 1}, {"n": 2}])
        await exactly(here, [{"n": 1}, {"n": 2}])
        other.publish("c1", {"n": 3})
        await exactly(here, [{"n": 3}])
        await exactly(there, [{"n": 3}])

    lost = [r for r in caplog.records if "lost the Redis subscription" in r.getMessage()]
    back = [r for r in caplog.records if "subscribed to Redis again" in r.getMessage()]
    assert len(lost) == 2 and all(r.levelno == logging.WARNING for r in lost)
    assert len(back) == 2 and all(r.levelno == logging.INFO for r in back)


async def test_events_published_while_a_replica_resubscribes_arrive_once(
    redis_server, hubs, caplog
):
    """Redis stays up and drops one replica's subscription: its events go out before, while and
    after it resubscribes, and each is heard once, in order, here and on the other replica."""
    one, other = hubs
    caplog.set_level(logging.INFO, logger="helpdesk.live.redis_events")
    admin = redis.from_url(redis_server.url)
    try:
        name = f"helpdesk-events-{one.origin[:12]}"
        [listener] = [c["id"] for c in await admin.client_list() if c["name"] == name]
        async with one.subscribe("c1") as here, other.subscribe("c1") as there:
            await admin.client_kill_filter(_id=listener)
            sent: list[dict] = []

            def noticed() -> bool:
                return any("lost the Redis" in r.getMessage() for r in caplog.records)

            while not (noticed() and subscribed(one)):
                sent.append({"n": len(sent)})
                one.publish("c1", sent[-1])
                assert len(sent) < 500, "the hub did not resubscribe within ~10 s"
                await asyncio.sleep(0.01)
            for tail in ("after", "last"):
                sent.append({"n": tail})
                one.publish("c1", sent[-1])
            await exactly(here, sent)
            await exactly(there, sent)
    finally:
        await admin.aclose()


async def test_healthz_shows_the_redis_subscription(
    redis_server, aiohttp_client, settings, fake_bot, detector, translator
):
    settings.redis_url = redis_server.url
    client = await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator)
    )
    response = await client.get("/healthz")
    assert response.status == 200
    events = (await response.json())["events"]
    assert events["mode"] == "redis" and events["subscribed"] is True

    redis_server.stop()  # live events degrade to this replica; the service is still up
    deadline = time.monotonic() + 10
    while (events := (await (await client.get("/healthz")).json())["events"])["subscribed"]:
        assert time.monotonic() < deadline, "/healthz never showed the lost subscription"
        await asyncio.sleep(0.05)
    response = await client.get("/healthz")
    assert response.status == 200 and (await response.json())["status"] == "ok"
    assert events["subscribed"] is False


async def test_healthz_of_one_process_shows_local_events(client):
    assert (await (await client.get("/healthz")).json())["events"] == {"mode": "local"}
