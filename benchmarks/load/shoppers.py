"""Simulated shoppers: the two paths a message can take (the product's chat API, as the widget
uses it, and Rasa's bare REST webhook), each shopper from its own loopback address, and a batch of
them sending at once."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Protocol

import aiohttp

from benchmarks.load.figures import BatchResult
from benchmarks.load.mixes import Line, language_of, lines_for
from benchmarks.load.plan import Batch

TIMEOUT_SECONDS = 120


class Refused(Exception):
    """The message got no answer to time: `kind` says what happened (rate_limited, http_500…)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Conversation(Protocol):
    async def say(self, line: Line) -> int:
        """Send one message; the number of replies to it. Raises Refused."""


class MessagePath(Protocol):
    name: str

    def conversation(
        self, address: str, lang: str
    ) -> AbstractAsyncContextManager[Conversation]: ...


def _http(base_url: str, address: str) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(local_addr=(address, 0))
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    return aiohttp.ClientSession(base_url, connector=connector, timeout=timeout)


async def _answer(answer: aiohttp.ClientResponse) -> dict | list:
    if answer.status == 429:
        raise Refused("rate_limited")
    if answer.status >= 400:
        raise Refused(f"http_{answer.status}")
    return await answer.json()


class _ChatSession:
    def __init__(self, http: aiohttp.ClientSession, session_id: str, token: str) -> None:
        self.http, self.path = http, f"/api/chat/sessions/{session_id}/messages"
        self.headers = {"Authorization": f"Bearer {token}"}

    async def say(self, line: Line) -> int:
        body = {"text": line.text, "client_id": str(uuid.uuid4())}
        async with self.http.post(self.path, json=body, headers=self.headers) as answer:
            said = await _answer(answer)
        assert isinstance(said, dict)
        if said["state"] != "bot":
            raise Refused(f"handed_over_{said['state']}")  # the bot would be silent from now on
        return sum(message["from"] == "bot" for message in said["messages"])


class ChatPath:
    """The product: a chat session opened as the widget opens one (with the page's locale),
    messages posted with a client_id, the replies read from the answer."""

    name = "chat"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    @asynccontextmanager
    async def conversation(self, address: str, lang: str) -> AsyncIterator[_ChatSession]:
        async with _http(self.base_url, address) as http:
            async with http.post("/api/chat/sessions", json={"locale": lang}) as answer:
                opened = await _answer(answer)
            assert isinstance(opened, dict)
            yield _ChatSession(http, opened["session_id"], opened["token"])


class _RasaSender:
    def __init__(
        self, http: aiohttp.ClientSession, lang: str, shop: str, answers: Counter[str]
    ) -> None:
        self.http, self.sender, self.answers = http, f"load-{uuid.uuid4().hex}", answers
        # What the helpdesk sends along (helpdesk/chat/relay.py): the actions read it.
        self.metadata = {"lang": lang, "shop": shop, "conversation_id": self.sender}

    async def say(self, line: Line) -> int:
        body = {"sender": self.sender, "message": line.text, "metadata": self.metadata}
        async with self.http.post("/webhooks/rest/webhook", json=body) as answer:
            replies = await _answer(answer)
        assert isinstance(replies, list)
        for reply in replies:  # which response answered which intent, to check the mixes
            said = (reply.get("custom") or {}).get("say") or {}
            self.answers[f"{line.intent} -> {said.get('key') or 'other'}"] += 1
        return len(replies)


class BarePath:
    """Rasa's own REST webhook, on the same model, with the same callbacks (actions and NLG)."""

    name = "bare"

    def __init__(self, rasa_url: str, shop: str = "atelier-nord") -> None:
        self.rasa_url, self.shop = rasa_url, shop
        self.answers: Counter[str] = Counter()  # "intent -> response key": how often

    @asynccontextmanager
    async def conversation(self, address: str, lang: str) -> AsyncIterator[_RasaSender]:
        async with _http(self.rasa_url, address) as http:
            yield _RasaSender(http, lang, self.shop, self.answers)


async def _send_all(conversation: Conversation, lines: list[Line], result: BatchResult) -> None:
    for line in lines:
        began = time.perf_counter()
        try:
            replies = await conversation.say(line)
        except Refused as refused:
            result.failures[refused.kind] += 1
            continue
        except (aiohttp.ClientError, TimeoutError) as failed:
            result.failures[type(failed).__name__] += 1
            continue
        if replies:
            result.latencies.append(time.perf_counter() - began)
        else:
            result.failures["no_reply"] += 1


async def run_batch(
    path: MessagePath,
    batch: Batch,
    addresses: list[str],
    cpu: Callable[[], dict[str, float]] | None = None,
) -> BatchResult:
    """Every shopper opens its conversation, then all send their messages at once, each waiting
    for the answer to one before sending the next (as a person does). Timed from the first
    message to the last answer; opening the conversations is not counted."""
    result = BatchResult(batch, [], 0.0, Counter())
    async with AsyncExitStack() as stack:
        conversations = []
        for shopper, address in enumerate(addresses):
            lang = language_of(batch.mix, shopper, batch.round)
            try:
                conversation = await stack.enter_async_context(path.conversation(address, lang))
            except Refused as refused:
                result.failures[f"open_{refused.kind}"] += batch.count
                continue
            lines = lines_for(batch.mix, shopper, batch.round, batch.start, batch.count)
            conversations.append((conversation, lines))
        cpu_before, began = cpu() if cpu else {}, time.perf_counter()
        await asyncio.gather(*(_send_all(c, lines, result) for c, lines in conversations))
        result.seconds = time.perf_counter() - began
        if cpu:
            result.cpu_seconds = {
                process: seconds - cpu_before[process] for process, seconds in cpu().items()
            }
    return result
