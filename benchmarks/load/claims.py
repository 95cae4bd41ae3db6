"""Claim throughput through the agent API: conversations queued by shoppers asking for a person,
then agents claiming from that queue all at once, and whether any conversation went to two."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from benchmarks.load.plan import shopper_address
from helpdesk.chat.guard import NEW_SESSIONS_PER_ADDRESS

CLAIMS_FIRST_ADDRESS = 2000  # shopper_address() indexes apart from the crowd's and the sockets'
ASK_FOR_A_PERSON = "I want to talk to a person"
QUEUE_READS = 20


@dataclass
class ClaimFigures:
    wanted: int  # conversations asked to be queued
    queued: int = 0
    agents: int = 0
    won: Counter[str] = field(default_factory=Counter)  # conversation -> claims answered 200
    refused: Counter[int] = field(default_factory=Counter)  # HTTP status -> how many
    seconds: float = 0.0
    queue_reads_ms: list[float] = field(default_factory=list)  # GET /api/agent/queue, all waiting
    queue_listed: int = 0  # conversations that GET listed

    @property
    def doubles(self) -> int:
        return sum(1 for count in self.won.values() if count > 1)

    def render(self) -> list[str]:
        rate = sum(self.won.values()) / self.seconds if self.seconds else 0.0
        return [
            f"claims: {self.agents} agents over {self.queued} queued (of {self.wanted} asked): "
            f"{sum(self.won.values())} won in {self.seconds:.2f}s = {rate:.0f} claims/s, "
            f"refused {dict(self.refused)}, double claims {self.doubles}",
            *(
                [
                    f"queue GET with {self.queue_listed} waiting, {len(self.queue_reads_ms)} "
                    f"reads one after another: p50 {_median(self.queue_reads_ms):.1f} ms, "
                    f"max {max(self.queue_reads_ms):.1f} ms"
                ]
                if self.queue_reads_ms
                else []
            ),
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "wanted": self.wanted,
            "queued": self.queued,
            "agents": self.agents,
            "won": sum(self.won.values()),
            "seconds": self.seconds,
            "refused": {str(status): n for status, n in self.refused.items()},
            "double_claims": self.doubles,
            "queue_listed": self.queue_listed,
            "queue_read_ms": self.queue_reads_ms,
            "queue_read_p50_ms": _median(self.queue_reads_ms) if self.queue_reads_ms else None,
        }


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def agent_email(index: int) -> str:
    return f"load-agent-{index}@example.test"


async def queue_conversations(base_url: str, count: int) -> list[str]:
    """`count` shoppers ask for a person through the chat API; the ids of those now queued."""
    queued: list[str] = []
    per_address = NEW_SESSIONS_PER_ADDRESS.burst

    async def shopper(http: aiohttp.ClientSession) -> None:
        async with http.post("/api/chat/sessions", json={"locale": "en"}) as answer:
            session = await answer.json()
        async with http.post(
            f"/api/chat/sessions/{session['session_id']}/messages",
            json={"text": ASK_FOR_A_PERSON, "client_id": str(uuid.uuid4())},
            headers={"Authorization": f"Bearer {session['token']}"},
        ) as answer:
            if answer.status == 200 and (await answer.json())["state"] == "queued":
                queued.append(session["session_id"])

    for first in range(0, count, per_address):
        address = shopper_address(CLAIMS_FIRST_ADDRESS + first // per_address)
        connector = aiohttp.TCPConnector(local_addr=(address, 0))
        async with aiohttp.ClientSession(base_url, connector=connector) as http:
            await asyncio.gather(*(shopper(http) for _ in range(min(per_address, count - first))))
    return queued


async def _log_in(http: aiohttp.ClientSession, email: str, password: str) -> dict[str, str]:
    async with http.post("/api/agent/login", json={"email": email, "password": password}) as answer:
        answer.raise_for_status()
        csrf = (await answer.json())["csrf_token"]
        # The session cookie by hand: aiohttp's cookie jar keeps none for an IP address.
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in answer.cookies.items())
    return {"Cookie": cookie, "X-CSRF-Token": csrf}


async def claim_all(
    base_url: str, conversations: list[str], passwords: dict[str, str], wanted: int
) -> ClaimFigures:
    """Every agent logged in from an address of its own, then all claiming every queued
    conversation, each in its own random order."""
    figures = ClaimFigures(wanted, queued=len(conversations), agents=len(passwords))
    sessions = []
    for index, (email, password) in enumerate(passwords.items()):
        address = shopper_address(CLAIMS_FIRST_ADDRESS + 500 + index)
        connector = aiohttp.TCPConnector(local_addr=(address, 0))
        http = aiohttp.ClientSession(base_url, connector=connector)
        sessions.append((http, await _log_in(http, email, password)))

    async def agent(http: aiohttp.ClientSession, headers: dict[str, str], seed: int) -> None:
        order = list(conversations)
        random.Random(seed).shuffle(order)
        for conversation_id in order:
            path = f"/api/agent/conversations/{conversation_id}/claim"
            async with http.post(path, headers=headers) as answer:
                if answer.status == 200:
                    figures.won[conversation_id] += 1
                else:
                    figures.refused[answer.status] += 1

    try:
        http, headers = sessions[0]
        for _ in range(QUEUE_READS):  # before any claim: every queued conversation is waiting
            began = time.perf_counter()
            async with http.get("/api/agent/queue", headers=headers) as answer:
                answer.raise_for_status()
                figures.queue_listed = len((await answer.json())["queued"])
            figures.queue_reads_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        await asyncio.gather(*(agent(http, h, seed) for seed, (http, h) in enumerate(sessions)))
        figures.seconds = time.perf_counter() - began
    finally:
        for http, _headers in sessions:
            await http.close()
    return figures
