"""/metrics, scraped before and after conversations through the real API: the counters move as
they should, the queue gauges come from the database, and no label names a conversation or a
person."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from helpdesk.app import create_app
from helpdesk.web.keys import CLOCK
from tests.conftest import open_session
from tests.metrics.scraping import TOKEN, moved, scrape, value

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
MESSAGES_ROUTE = "/api/chat/sessions/{session_id}/messages"
CLAIM_ROUTE = "/api/agent/conversations/{conversation_id}/claim"


async def test_a_conversation_moves_the_counters(client):
    shopper = await open_session(client, "en")
    before = await scrape(client)
    await shopper.say("hi")
    after = await scrape(client)

    assert moved(before, after, "helpdesk_messages_received_total") == 1
    assert moved(before, after, "helpdesk_messages_sent_total", sender="bot") == 1
    assert moved(before, after, "helpdesk_messages_sent_total", sender="agent") == 0
    assert moved(before, after, "helpdesk_bot_reply_seconds_count", outcome="answered") == 1
    assert moved(before, after, "helpdesk_bot_reply_seconds_sum", outcome="answered") >= 0
    messages = {"method": "POST", "route": MESSAGES_ROUTE, "status": "200"}
    assert moved(before, after, "helpdesk_http_requests_total", **messages) == 1
    # The scrape before counts itself once the answer is out: it shows in the scrape after.
    scrapes = {"method": "GET", "route": "/metrics", "status": "200"}
    assert moved(before, after, "helpdesk_http_requests_total", **scrapes) == 1


async def test_a_hand_over_queues_and_a_claim_is_counted_once(client, agents):
    ana, ben = agents
    before = await scrape(client)
    assert value(before, "helpdesk_queue_length", team="eu") == 0
    assert value(before, "helpdesk_queue_length", team="americas") == 0  # every team, even empty

    shopper = await open_session(client, "en")
    assert (await shopper.say("a person please"))["state"] == "queued"
    client.app[CLOCK].advance(timedelta(minutes=5))
    queued = await scrape(client)
    assert value(queued, "helpdesk_queue_length", team="eu") == 1
    assert 300 <= value(queued, "helpdesk_queue_oldest_wait_seconds", team="eu") < 360
    assert value(queued, "helpdesk_queue_oldest_wait_seconds", team="americas") == 0

    await ana.claim(shopper.session_id)
    taken = await ben.post(f"/api/agent/conversations/{shopper.session_id}/claim")
    assert taken.status == 409
    after = await scrape(client)
    assert moved(before, after, "helpdesk_claims_total") == 1
    assert moved(before, after, "helpdesk_claim_conflicts_total") == 1
    assert value(after, "helpdesk_queue_length", team="eu") == 0
    claims = {"method": "POST", "route": CLAIM_ROUTE}
    assert moved(before, after, "helpdesk_http_requests_total", **claims, status="200") == 1
    assert moved(before, after, "helpdesk_http_requests_total", **claims, status="409") == 1

    await ana.reply(shopper.session_id, "Hello, I am Ana.")
    await ana.reply(shopper.session_id, "a note for colleagues", internal=True)
    replied = await scrape(client)
    assert moved(after, replied, "helpdesk_messages_sent_total", sender="agent") == 1


async def test_without_the_token_or_with_a_wrong_one_the_answer_is_401(client):
    for headers in (
        {},
        {"Authorization": "Bearer not-the-token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ):
        response = await client.get("/metrics", headers=headers)
        assert response.status == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await response.json())["code"] == "unauthorized"
        assert "helpdesk_" not in await response.text()


async def test_with_no_token_set_metrics_are_off(
    aiohttp_client, settings, fake_bot, detector, translator
):
    assert settings.metrics_token == ""
    client = await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator)
    )
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {TOKEN}"}):
        response = await client.get("/metrics", headers=headers)
        assert response.status == 401
        assert (await response.json())["code"] == "metrics_off"


async def test_no_label_names_a_conversation_a_person_or_a_requested_path(client, agents):
    ana, _ = agents
    shopper = await open_session(client, "en")
    await shopper.say("my email is jo@example.com")
    await shopper.say("a person please")
    await ana.claim(shopper.session_id)
    await shopper.transcript()
    stray = await client.get(f"/api/chat/sessions/{shopper.session_id}/nothing-here")
    assert stray.status == 404
    samples = await scrape(client)

    values = {label_value for _, labels in samples for _, label_value in labels}
    assert not [v for v in values if shopper.session_id in v or "@" in v or shopper.token in v]
    routes = {dict(labels)["route"] for _, labels in samples if "route" in dict(labels)}
    declared = {r.resource.canonical for r in client.app.router.routes() if r.resource}
    assert routes <= declared | {"unmatched"}  # as declared, never as requested
    assert {"unmatched", MESSAGES_ROUTE, CLAIM_ROUTE} <= routes


async def test_open_sockets_and_agents_online(client, agents):
    ana, _ = agents
    before = await scrape(client)
    assert value(before, "helpdesk_agents_online") == 0
    shopper = await open_session(client, "en")
    shopper_socket, workspace = await shopper.socket(), await ana.socket()
    live = await scrape(client)
    assert value(live, "helpdesk_websocket_connections") == 2
    assert value(live, "helpdesk_agents_online") == 1

    await shopper_socket.close()
    await workspace.close()
    for _ in range(100):  # the server notices the close handshake a moment later
        gone = await scrape(client)
        if not value(gone, "helpdesk_websocket_connections") + value(
            gone, "helpdesk_agents_online"
        ):
            break
        await asyncio.sleep(0.05)
    assert value(gone, "helpdesk_websocket_connections") == 0
    assert value(gone, "helpdesk_agents_online") == 0


async def test_each_replica_counts_its_own_and_both_read_the_same_queue(
    aiohttp_client, app_settings, fake_bot, detector, translator, clock
):
    """Two apps on one database: the counters are each replica's, the queue is the database's."""
    one, other = [
        await aiohttp_client(
            create_app(
                app_settings, bot=fake_bot, detector=detector, translator=translator, clock=clock
            )
        )
        for _ in range(2)
    ]
    shopper = await open_session(one, "en")
    await shopper.say("a person please")
    here, there = await scrape(one), await scrape(other)
    assert value(here, "helpdesk_messages_received_total") == 1
    assert value(there, "helpdesk_messages_received_total") == 0
    assert value(here, "helpdesk_queue_length", team="eu") == 1
    assert value(there, "helpdesk_queue_length", team="eu") == 1
