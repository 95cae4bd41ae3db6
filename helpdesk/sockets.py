"""Open websockets (shoppers' and agents'), closed when the service stops: otherwise shutting
down waits for every browser to hang up, and clients never learn to reconnect elsewhere."""

from __future__ import annotations

import asyncio
import weakref

from aiohttp import WSCloseCode, web

SOCKETS = web.AppKey("websockets", weakref.WeakSet)


def track(app: web.Application, socket: web.WebSocketResponse) -> None:
    app[SOCKETS].add(socket)


async def close_all(app: web.Application) -> None:
    """on_shutdown: "going away" tells the widget and the workspace to reconnect."""
    await asyncio.gather(*(socket.close(code=WSCloseCode.GOING_AWAY, message=b"shutting down")
                           for socket in set(app[SOCKETS])), return_exceptions=True)


def install(app: web.Application) -> None:
    app[SOCKETS] = weakref.WeakSet()
    app.on_shutdown.append(close_all)
