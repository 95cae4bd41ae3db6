"""The public chat API serves the shop's own pages only, and slows down whoever floods it."""

from __future__ import annotations

import time
import uuid

import pytest

from helpdesk.chat.guard import RATE_LIMITER, Limit, RateLimiter
from tests.conftest import listening_socket, open_session


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_refills_over_time():
    clock = Clock()
    limiter = RateLimiter(clock)
    limit = Limit(burst=3, seconds=30)  # one more every 10 s
    assert [limiter.wait_needed("m", "s1", limit) for _ in range(3)] == [0, 0, 0]
    assert limiter.wait_needed("m", "s1", limit) == pytest.approx(10)
    assert limiter.wait_needed("m", "s2", limit) == 0  # each key has its own bucket
    clock.now = 10
    assert limiter.wait_needed("m", "s1", limit) == 0


async def test_a_flooding_session_gets_429_with_when_to_retry_and_loses_nothing_accepted(
    client, frozen_limits
):
    shopper = await open_session(client, "en")
    statuses, accepted = [], []
    for number in range(25):
        text = f"message number {number}"
        response = await client.post(
            f"/api/chat/sessions/{shopper.session_id}/messages",
            headers=shopper.auth,
            json={"text": text, "client_id": str(uuid.uuid4())},
        )
        statuses.append(response.status)
        if response.status == 200:
            accepted.append(text)
        else:
            body = await response.json()
            assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
            assert body["error"].startswith("you are sending messages very fast; please wait")
    assert statuses.count(200) == 20 and statuses[20:] == [429] * 5
    stored = [m["text"] for m in await shopper.transcript() if m["from"] == "shopper"]
    assert stored == accepted


async def test_another_session_is_not_slowed_by_a_flooding_one(client):
    flooder, calm = await open_session(client, "en"), await open_session(client, "en")
    for _ in range(21):
        await client.post(
            f"/api/chat/sessions/{flooder.session_id}/messages",
            headers=flooder.auth,
            json={"text": "spam", "client_id": str(uuid.uuid4())},
        )
    assert (await calm.say("hi"))["messages"]


async def test_new_chats_from_one_address_are_limited(client):
    statuses = [(await client.post("/api/chat/sessions", json={})).status for _ in range(22)]
    assert statuses.count(201) == 20 and statuses[-1] == 429


async def test_the_shops_origin_may_use_the_chat_from_its_pages(client, settings):
    settings.allowed_origins = "https://shop.example.com"
    preflight = await client.options(
        "/api/chat/sessions",
        headers={"Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    created = await client.post(
        "/api/chat/sessions", json={}, headers={"Origin": "https://shop.example.com"}
    )
    assert created.status == 201
    assert created.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
    refused = await client.post(
        "/api/chat/sessions/nope/messages", json={}, headers={"Origin": "https://shop.example.com"}
    )
    assert refused.status == 401  # errors too are readable by the shop's page
    assert refused.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"


async def test_other_sites_are_refused_and_told_how_to_allow_them(client):
    response = await client.post(
        "/api/chat/sessions", json={}, headers={"Origin": "https://copycat.example"}
    )
    assert response.status == 403
    assert "ALLOWED_ORIGINS" in (await response.json())["error"]
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_the_services_own_pages_are_same_origin_at_whatever_address_it_is_reached(client):
    own = str(client.make_url("/")).rstrip("/")  # a port the settings know nothing about
    created = await client.post("/api/chat/sessions", json={}, headers={"Origin": own})
    assert created.status == 201
    body = await created.json()
    socket = await listening_socket(
        client, body["session_id"], body["token"], headers={"Origin": own}
    )
    await socket.close()


async def test_a_page_of_another_site_cannot_open_a_conversations_websocket(client):
    shopper = await open_session(client, "en")
    refused = await client.get(
        f"/api/chat/sessions/{shopper.session_id}/ws",
        headers={
            "Origin": "https://copycat.example",
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    assert refused.status == 403 and "ALLOWED_ORIGINS" in (await refused.json())["error"]


def test_a_full_table_forgets_the_least_recently_used_keys_not_everyone():
    clock = Clock()
    limiter = RateLimiter(clock, max_keys=3)
    limit = Limit(burst=2, seconds=60)
    for _ in range(2):
        limiter.wait_needed("m", "flooder", limit)
    assert limiter.wait_needed("m", "flooder", limit) > 0
    for key in ("a", "b", "c", "d"):  # new keys push out the oldest, one at a time
        limiter.wait_needed("m", key, limit)
        limiter.wait_needed("m", "flooder", limit)  # the flooder keeps its own bucket fresh
    assert len(limiter) == 3
    assert limiter.wait_needed("m", "flooder", limit) > 0  # still limited: never cleared


async def test_made_up_session_ids_neither_fill_the_limiter_nor_spend_a_shoppers_budget(client):
    shopper = await open_session(client, "en")
    url = f"/api/chat/sessions/{shopper.session_id}/messages"
    for _ in range(40):  # a stranger who knows the id, not the token
        stranger = await client.post(
            url,
            headers={"Authorization": "Bearer guess"},
            json={"text": "x", "client_id": str(uuid.uuid4())},
        )
        assert stranger.status in (401, 429)
    for n in range(200):
        await client.get(
            f"/api/chat/sessions/made-up-{n}/messages", headers={"Authorization": "Bearer guess"}
        )
    limiter = client.app[RATE_LIMITER]
    assert len(limiter) <= 5  # per-address buckets only: unknown sessions leave no trace
    limiter._buckets.clear()  # the test's own address has used its budget up; the shopper has not
    assert [(await shopper.say(f"m{n}")) is not None for n in range(20)] == [True] * 20


@pytest.fixture
def frozen_limits(client):
    """The limiter's time stands still: counts are exact however slow the machine is."""
    stopped = time.monotonic()
    client.app[RATE_LIMITER].clock = lambda: stopped


async def test_reading_the_transcript_is_limited_per_session(client, frozen_limits):
    shopper = await open_session(client, "en")
    statuses = [
        (
            await client.get(
                f"/api/chat/sessions/{shopper.session_id}/messages", headers=shopper.auth
            )
        ).status
        for _ in range(62)
    ]
    assert statuses[:60] == [200] * 60 and statuses[60:] == [429, 429]


async def test_changing_language_and_rating_are_limited_per_session(client, frozen_limits):
    shopper = await open_session(client, "en")
    url = f"/api/chat/sessions/{shopper.session_id}/language"
    statuses = [
        (await client.post(url, headers=shopper.auth, json={"locale": "es"})).status
        for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    rating = await client.post(
        f"/api/chat/sessions/{shopper.session_id}/rating", headers=shopper.auth, json={"score": 5}
    )
    assert rating.status == 429 and rating.headers["Retry-After"]
