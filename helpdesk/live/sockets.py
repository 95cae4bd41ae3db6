"""Open websockets (shoppers' and agents'), closed when the service stops: otherwise shutting
down waits for every browser to hang up, and clients never learn to reconnect elsewhere."""

from __future__ import annotations

import asyncio
import json
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from helpdesk.errors import HelpdeskError
from helpdesk.live.events import EventHub

SOCKETS = web.AppKey("websockets", weakref.WeakSet)
OPEN_PER_CHANNEL = web.AppKey("open_sockets_per_channel", Counter)
# Clients only listen: the only frame they send is the first, with their token.
MAX_FRAME_BYTES = 4096
FIRST_FRAME_SECONDS = 10.0
CLOSE_CODES = {401: 4401, 404: 4404, 429: 4429}  # HTTP's status, as a websocket close code


Shown = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]


async def open_socket(request: web.Request) -> web.WebSocketResponse:
    socket = web.WebSocketResponse(heartbeat=25, max_msg_size=MAX_FRAME_BYTES)
    await socket.prepare(request)
    request.app[SOCKETS].add(socket)
    return socket


async def first_frame_token(socket: web.WebSocketResponse) -> str | None:
    """The token of the client's first frame, {"type": "auth", "token": "..."}; None when it
    does not come in time or says something else."""
    try:
        frame = await socket.receive(timeout=FIRST_FRAME_SECONDS)
    except TimeoutError:
        return None
    if frame.type != WSMsgType.TEXT:
        return None
    try:
        said = json.loads(frame.data)
    except ValueError:
        return None
    token = said.get("token") if isinstance(said, dict) and said.get("type") == "auth" else None
    return token if isinstance(token, str) else None


async def refuse(socket: web.WebSocketResponse, error: HelpdeskError) -> None:
    """Close with the reason in words and as a code (4401 unauthorized, 4429 too many…)."""
    await socket.send_json({"type": "error", "error": error.message, "code": error.code})
    await socket.close(
        code=CLOSE_CODES.get(error.status, 4400), message=error.message[:120].encode()
    )


@contextmanager
def counted(app: web.Application, channel: str, cap: int) -> Iterator[bool]:
    """Whether one more socket may listen to `channel` on this replica (at most `cap`)."""
    open_now = app[OPEN_PER_CHANNEL]
    allowed = open_now[channel] < cap
    if allowed:
        open_now[channel] += 1
    try:
        yield allowed
    finally:
        if allowed:
            open_now[channel] -= 1
            if not open_now[channel]:
                del open_now[channel]


async def stream_events(
    socket: web.WebSocketResponse, events: EventHub, channel: str, shown: Shown | None = None
) -> web.WebSocketResponse:
    """Push the channel's events (as `shown` turns them, None skips one) until the client
    leaves; clients only listen, reading is how their leaving is noticed. The first frame,
    {"type": "ready"}, says the socket is listening: what the client fetches after it is not missed."""
    async with events.subscribe(channel) as queue:
        await socket.send_json({"type": "ready"})
        sender = asyncio.create_task(_forward(queue, socket, shown))
        try:
            async for frame in socket:
                if frame.type == WSMsgType.ERROR:
                    break
        finally:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
    return socket


async def _forward(
    queue: asyncio.Queue, socket: web.WebSocketResponse, shown: Shown | None
) -> None:
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
    open_sockets = app[SOCKETS]  # read apart: inside set(...), mypy infers the key's type wrong
    sockets = set(open_sockets)  # a snapshot: closed sockets leave the WeakSet meanwhile
    await asyncio.gather(
        *(
            socket.close(code=WSCloseCode.GOING_AWAY, message=b"shutting down")
            for socket in sockets
        ),
        return_exceptions=True,
    )


def install(app: web.Application) -> None:
    app[SOCKETS] = weakref.WeakSet()
    app[OPEN_PER_CHANNEL] = Counter()
    app.on_shutdown.append(close_all)
