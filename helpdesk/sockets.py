"""Open websockets (shoppers' and agents'), closed when the service stops: otherwise shutting
down waits for every browser to hang up, and clients never learn to reconnect elsewhere."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from helpdesk.events import EventHub

SOCKETS = web.AppKey("websockets", weakref.WeakSet)


Shown = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]


async def stream_events(request: web.Request, events: EventHub, channel: str,
                        shown: Shown | None = None) -> web.WebSocketResponse:
    """A websocket that pushes the channel's events (as `shown` turns them, None skips one)
    until the client leaves; clients only listen, reading is how their leaving is noticed."""
    socket = web.WebSocketResponse(heartbeat=25)
    await socket.prepare(request)
    request.app[SOCKETS].add(socket)
    async with events.subscribe(channel) as queue:
        sender = asyncio.create_task(_forward(queue, socket, shown))
        try:
            async for frame in socket:
                if frame.type == WSMsgType.ERROR:
                    break
        finally:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
    return socket


async def _forward(queue: asyncio.Queue, socket: web.WebSocketResponse, shown: Shown | None) -> None:
    while not socket.closed:
        event = await queue.get()
        if shown is not None:
            # Shielded: a database read cancelled half-way (the client leaving) would leave
            # SQLite's worker thread to finish after the event loop has gone.
            event = await asyncio.shield(shown(event))
        if event is not None:
            await socket.send_json(event)


async def close_all(app: web.Application) -> None:
    """on_shutdown: "going away" tells the widget and the workspace to reconnect."""
    await asyncio.gather(*(socket.close(code=WSCloseCode.GOING_AWAY, message=b"shutting down")
                           for socket in set(app[SOCKETS])), return_exceptions=True)


def install(app: web.Application) -> None:
    app[SOCKETS] = weakref.WeakSet()
    app.on_shutdown.append(close_all)
