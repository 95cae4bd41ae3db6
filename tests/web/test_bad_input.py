"""What strangers and broken clients send gets a clear 4xx, never a 500 nor a hung request; the
access log keeps no query string."""

from __future__ import annotations

import asyncio
import logging

import pytest

from helpdesk.app import create_app
from helpdesk.web import middleware
from helpdesk.web.access_log import AccessLogger
from tests.conftest import open_session


async def test_a_body_announced_and_never_sent_is_given_up_on(client, monkeypatch):
    monkeypatch.setattr(middleware, "BODY_TIMEOUT_SECONDS", 0.5)
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(
        b"POST /api/chat/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=10)
    writer.close()
    assert status_line.startswith(b"HTTP/1.1 408")


@pytest.mark.parametrize("after", [str(2**64), "-1", "1e3", "９"])
async def test_a_transcript_after_no_message_id_is_400(client, after):
    shopper = await open_session(client, "en")
    response = await client.get(
        f"/api/chat/sessions/{shopper.session_id}/messages",
        params={"after": after},
        headers=shopper.auth,
    )
    assert response.status == 400 and "after" in (await response.json())["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/agent/static/%0A",
        "/agent/static/%00",
        "/agent/static/..%2Fapp.py",
        "/demo/%0Aindex.html",
        "/demo/%ud800",
    ],
)
async def test_odd_static_names_are_404_in_json(client, path):
    response = await client.get(path)
    assert response.status == 404 and (await response.json())["code"] == "not_found"


async def test_the_access_log_keeps_no_query_string(
    clock, aiohttp_server, aiohttp_client, settings, fake_bot, detector, translator, caplog
):
    server = await aiohttp_server(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock),
        access_log_class=AccessLogger,
    )
    client = await aiohttp_client(server)
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        await client.get("/demo", params={"customer": "ana.garcia@example.com"})
    lines = [record.getMessage() for record in caplog.records if record.name == "aiohttp.access"]
    assert lines and '"GET /demo"' in lines[-1] and "ana.garcia" not in " ".join(lines)


@pytest.mark.parametrize(
    "body",
    [
        {"agent_id": 10**30},
        {"agent_id": -1},
        {"agent_id": "2"},
        {"team": ""},
        {"team": "x" * 100},
        {},
        {"team": "eu", "agent_id": 1},
    ],
)
async def test_a_transfer_to_nobody_real_is_400(client, body, quick_password_hashing):
    from tests.support.agent_clients import AgentClient, add_agent

    await add_agent(client.app, "boss@shop.example", role="admin")
    boss = await AgentClient.logged_in(client.make_url("/"), "boss@shop.example")
    try:
        shopper = await open_session(client, "en")
        await shopper.say("a person please")
        await boss.claim(shopper.session_id)
        response = await boss.post(f"/api/agent/conversations/{shopper.session_id}/transfer", body)
        assert response.status == 400, await response.text()
        assert (await boss.conversation(shopper.session_id))["state"] == "with_agent"
    finally:
        await boss.close()
