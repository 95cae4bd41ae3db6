"""Websocket capacity: many shoppers' sockets open at once on the chat API, a message from each,
and whether every push arrives (the shopper's own message, the bot's replies), and how late."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp

from benchmarks.load.figures import percentile
from benchmarks.load.plan import shopper_address
from helpdesk.chat.guard import NEW_SESSIONS_PER_ADDRESS

SOCKETS_FIRST_ADDRESS = 1000  # shopper_address() indexes apart from the crowd's
PUSH_WAIT_SECONDS = 120  # after the last message was answered


@dataclass
class SocketFigures:
    wanted: int
    ready: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    echoes: list[float] = field(default_factory=list)  # the shopper's message: stored -> socket
    replies: list[float] = field(default_factory=list)  # each bot reply: stored -> socket
    answered: int = 0  # bot replies in the POSTs' answers: each should also come as a push
    seconds: float = 0.0

    def render(self) -> list[str]:
        def p95(values: list[float]) -> str:
            return f"p95 {percentile(values, 95) * 1000:.0f} ms" if values else "none"

        return [
            f"websockets: {self.ready} of {self.wanted} open and ready at once"
            + (f" (refused: {dict(self.refused)})" if self.refused else ""),
            f"  the shopper's own message pushed back: {len(self.echoes)} of {self.ready}, "
            f"{p95(self.echoes)}; bot replies pushed: {len(self.replies)} of {self.answered} "
            f"answered, {p95(self.replies)} (from the message's created_at to its arrival)",
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "wanted": self.wanted,
            "ready": self.ready,
            "refused": dict(self.refused),
            "echoes_delivered": len(self.echoes),
            "echo_p95_ms": percentile(self.echoes, 95) * 1000 if self.echoes else None,
            "replies_answered": self.answered,
            "replies_delivered": len(self.replies),
            "reply_push_p95_ms": percentile(self.replies, 95) * 1000 if self.replies else None,
        }


def socket_address(index: int) -> str:
    """Sockets share addresses as many shoppers behind one network would, within the new-chats
    limit per address."""
    return shopper_address(SOCKETS_FIRST_ADDRESS + index // NEW_SESSIONS_PER_ADDRESS.burst)


def _late(created_at: str) -> float:
    return time.time() - datetime.fromisoformat(created_at.replace("Z", "+00:00")).timestamp()


async def _listen(socket: aiohttp.ClientWebSocketResponse, client_id: str, figures: SocketFigures):
    """Reads from the moment the socket is ready: reading is also what answers the helpdesk's
    heartbeat pings, and a socket nobody reads is closed by the helpdesk after 25 s."""
    async for frame in socket:
        if frame.type != aiohttp.WSMsgType.TEXT:
            figures.refused[f"socket_{frame.type.name.lower()}"] += 1
            break
        event = frame.json()
        message = event.get("message") if event.get("type") == "message" else None
        if not message:
            continue
        if message.get("client_id") == client_id:
            figures.echoes.append(_late(message["created_at"]))
        elif message.get("from") == "bot":
            figures.replies.append(_late(message["created_at"]))


async def socket_capacity(
    base_url: str,
    count: int,
    text: str = "hello",
    address_of: Callable[[int], str] = socket_address,
) -> SocketFigures:
    """`count` sockets open together; then each shopper sends `text` (20 at a time) and the pushes
    are awaited until all came or PUSH_WAIT_SECONDS passed after the last answer."""
    figures = SocketFigures(count)
    timeout = aiohttp.ClientTimeout(total=300)
    async with AsyncExitStack() as stack:
        https: dict[str, aiohttp.ClientSession] = {}
        for address in dict.fromkeys(address_of(index) for index in range(count)):
            connector = aiohttp.TCPConnector(local_addr=(address, 0), limit=0)
            https[address] = await stack.enter_async_context(
                aiohttp.ClientSession(base_url, connector=connector, timeout=timeout)
            )
        opened: list[tuple[aiohttp.ClientSession, dict, str]] = []
        listeners: list[asyncio.Task] = []
        gate = asyncio.Semaphore(20)  # opened 20 at a time, as pages load in a busy shop

        async def open_one(http: aiohttp.ClientSession) -> None:
            async with gate:
                try:
                    async with http.post("/api/chat/sessions", json={"locale": "en"}) as answer:
                        if answer.status != 201:
                            figures.refused[f"session_http_{answer.status}"] += 1
                            return
                        session = await answer.json()
                    socket = await stack.enter_async_context(
                        http.ws_connect(f"/api/chat/sessions/{session['session_id']}/ws")
                    )
                    await socket.send_json({"type": "auth", "token": session["token"]})
                    first = await socket.receive_json(timeout=30)
                except (aiohttp.ClientError, TimeoutError) as failed:
                    figures.refused[type(failed).__name__] += 1
                    return
            if first.get("type") != "ready":
                figures.refused[str(first.get("code") or first.get("type"))] += 1
                return
            client_id = str(uuid.uuid4())
            opened.append((http, session, client_id))
            listeners.append(asyncio.create_task(_listen(socket, client_id, figures)))

        await asyncio.gather(*(open_one(https[address_of(index)]) for index in range(count)))
        figures.ready = len(opened)
        began = time.monotonic()

        async def say(http: aiohttp.ClientSession, session: dict, client_id: str) -> None:
            async with gate:
                async with http.post(
                    f"/api/chat/sessions/{session['session_id']}/messages",
                    json={"text": text, "client_id": client_id},
                    headers={"Authorization": f"Bearer {session['token']}"},
                ) as answer:
                    if answer.status != 200:
                        figures.refused[f"message_http_{answer.status}"] += 1
                        return
                    said = await answer.json()
            figures.answered += sum(m["from"] == "bot" for m in said["messages"])

        await asyncio.gather(*(say(http, session, cid) for http, session, cid in opened))
        deadline = time.monotonic() + PUSH_WAIT_SECONDS
        while time.monotonic() < deadline and (
            len(figures.echoes) < len(opened) or len(figures.replies) < figures.answered
        ):
            await asyncio.sleep(0.2)
        figures.seconds = time.monotonic() - began
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    return figures
