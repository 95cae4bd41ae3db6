"""The shopper's websocket: the token comes in the first frame (never in a URL, which ends up in
logs), a wrong or missing one closes it, a few windows per conversation at most, small frames."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import WSMsgType

from helpdesk.chat.guard import RATE_LIMITER
from helpdesk.live import sockets
from tests.conftest import open_session


async def test_the_socket_listens_once_the_first_frame_has_the_token(client, shopper):
    socket = await shopper.socket()
    await shopper.say("hi")
    event = await socket.receive_json(timeout=5)
    assert event["type"] == "message" and event["message"]["text"] == "hi"
    await socket.close()


async def test_a_token_in_the_url_is_refused(client, shopper):
    response = await client.get(f"/api/chat/sessions/{shopper.session_id}/ws?token={shopper.token}")
    assert response.status == 400 and "first frame" in (await response.json())["error"]


@pytest.mark.parametrize(
    "first",
    [{"type": "auth", "token": "guess"}, {"type": "auth"}, {"token": "x"}, "not json", ["auth"]],
)
async def test_a_wrong_or_missing_token_closes_the_socket_unheard(client, shopper, first):
    socket = await client.ws_connect(f"/api/chat/sessions/{shopper.session_id}/ws")
    if isinstance(first, str):
        await socket.send_str(first)
    else:
        await socket.send_json(first)
    refused = await socket.receive_json(timeout=5)
    assert refused["type"] == "error" and refused["code"] == "unauthorized"
    closing = await socket.receive(timeout=5)
    assert closing.type in (WSMsgType.CLOSE, WSMsgType.CLOSED) and socket.close_code == 4401
    await shopper.say("hi")  # nothing reaches the stranger
    assert socket.closed


async def test_another_conversations_token_does_not_open_it(client, shopper):
    other = await open_session(client, "en")
    socket = await client.ws_connect(f"/api/chat/sessions/{shopper.session_id}/ws")
    await socket.send_json({"type": "auth", "token": other.token})
    assert (await socket.receive_json(timeout=5))["type"] == "error"
    await socket.receive(timeout=5)
    assert socket.close_code == 4404


async def test_a_silent_client_is_hung_up_on(client, shopper, monkeypatch):
    monkeypatch.setattr(sockets, "FIRST_FRAME_SECONDS", 0.3)
    socket = await client.ws_connect(f"/api/chat/sessions/{shopper.session_id}/ws")
    assert (await socket.receive_json(timeout=5))["type"] == "error"
    await socket.receive(timeout=5)
    assert socket.close_code == 4401


async def test_at_most_five_windows_listen_to_one_conversation(client, shopper):
    open_ones = [await shopper.socket() for _ in range(5)]
    sixth = await client.ws_connect(f"/api/chat/sessions/{shopper.session_id}/ws")
    await sixth.send_json({"type": "auth", "token": shopper.token})
    refused = await sixth.receive_json(timeout=5)
    assert refused["code"] == "rate_limited" and "5 windows" in refused["error"]
    await sixth.receive(timeout=5)
    assert sixth.close_code == 4429
    await open_ones[0].close()
    await asyncio.sleep(0.1)
    again = await shopper.socket()  # one left: room for another
    for socket in [again, *open_ones[1:]]:
        await socket.close()


async def test_a_flood_of_reconnections_is_slowed_down(client, shopper):
    stopped = time.monotonic()  # the limiter's time stands still: exact counts on a slow machine
    client.app[RATE_LIMITER].clock = lambda: stopped
    closes = []
    for _ in range(12):
        socket = await client.ws_connect(f"/api/chat/sessions/{shopper.session_id}/ws")
        await socket.send_json({"type": "auth", "token": shopper.token})
        first = await socket.receive_json(timeout=5)
        closes.append(first["type"])
        await socket.close()
    assert closes[:10] == ["ready"] * 10 and closes[10:] == ["error", "error"]


async def test_a_frame_bigger_than_the_socket_needs_closes_it(client, shopper):
    socket = await shopper.socket()
    await socket.send_str("x" * 10_000)
    frame = await socket.receive(timeout=5)
    assert frame.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR)
    assert socket.close_code == 1009  # message too big
