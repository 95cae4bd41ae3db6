"""Stopping the service hangs up open websockets with "going away", so browsers reconnect."""

from __future__ import annotations

import asyncio

from aiohttp import WSCloseCode, WSMsgType

from helpdesk.app import create_app
from tests.conftest import open_session


async def test_stopping_the_service_tells_open_sockets_it_is_going_away(
    aiohttp_server, aiohttp_client, settings, fake_bot, detector, translator, clock
):
    server = await aiohttp_server(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )
    client = await aiohttp_client(server)
    shopper = await open_session(client, "en")
    socket = await shopper.socket()
    stopping = asyncio.create_task(server.close())
    frame = await socket.receive(timeout=20)
    await stopping
    assert frame.type in (WSMsgType.CLOSE, WSMsgType.CLOSED)
    assert socket.close_code == WSCloseCode.GOING_AWAY
