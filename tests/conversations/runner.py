"""Runs suite conversations through the public chat API, as the widget does, and checks each turn.

Each conversation is a new chat session from a loopback address of its own (127.100.x.y), so
that the helpdesk's per-address rate limits stay on and never mix two conversations. Nothing
here starts servers: give it a way to open a running helpdesk (benchmarks/conversations.py
starts one on the real Rasa for each conversation; a test can bring its own).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import aiohttp

from helpdesk.orders.verification import identity_signature
from tests.conversations.suite import Conversation, Turn, matches

TURN_TIMEOUT_SECONDS = 120  # one shopper message and every reply to it, Rasa included
LATE_REPLY_SECONDS = 20  # a reply not in the POST's answer (the bot restarting) may come later
IDENTITY_LIFETIME = timedelta(hours=12)  # how long the shop's page signs its customer in for
HANDED_OVER_STATES = {"queued", "with_agent"}


@dataclass(frozen=True)
class ChatEndpoint:
    """A running helpdesk: where its chat API is, the secret the shop signs identities with, and
    its clock (an identity's expiry is checked against it)."""

    base_url: str
    identity_secret: str
    now: Callable[[], datetime]


@dataclass(frozen=True)
class Said:
    sender: str  # shopper | bot | system | agent
    text: str
    lang: str | None = None
    buttons: tuple[str, ...] = ()


@dataclass
class TurnResult:
    turn: Turn
    replies: list[Said] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    conversation: Conversation
    turns: list[TurnResult] = field(default_factory=list)
    end_problems: list[str] = field(default_factory=list)
    state: str | None = None  # the conversation's state at the end, as the API says

    @property
    def passed(self) -> bool:
        return not self.end_problems and not any(turn.problems for turn in self.turns)

    @property
    def first_failure(self) -> tuple[int | None, list[str]]:
        """(1-based turn, its problems), or (None, the end's problems)."""
        for number, turn in enumerate(self.turns, 1):
            if turn.problems:
                return number, turn.problems
        return None, self.end_problems


def turn_problems(turn: Turn, replies: list[Said], lang: str) -> list[str]:
    """What is wrong with the bot's reply to one shopper message."""
    if not replies:
        return ["the bot did not reply"]
    text = "\n".join(reply.text for reply in replies)
    titles = [title for reply in replies for title in reply.buttons]
    problems = [
        f"message in {reply.lang!r}, not {lang!r}: {reply.text[:80]!r}"
        for reply in replies
        if reply.lang != lang
    ]
    problems += [
        f"expected /{pattern}/: not found" for pattern in turn.expect if not matches(pattern, text)
    ]
    problems += [
        f"forbidden /{pattern}/ found" for pattern in turn.forbid if matches(pattern, text)
    ]
    problems += [
        f"no button matches /{pattern}/ (buttons: {titles or 'none'})"
        for pattern in turn.buttons
        if not any(matches(pattern, title) for title in titles)
    ]
    return problems


def end_problems(conversation: Conversation, state: str | None) -> list[str]:
    if conversation.handed_over is None:
        return []
    handed_over = state in HANDED_OVER_STATES
    if handed_over == conversation.handed_over:
        return []
    wanted = "waiting for a person" if conversation.handed_over else "still with the bot"
    return [f"the conversation should end {wanted}; its state is {state!r}"]


def loopback_address(index: int) -> str:
    """The index-th shopper's own address: 127.100.0.1, 127.100.0.2, … (62,500 of them)."""
    return f"127.100.{index // 250 % 250}.{index % 250 + 1}"


async def run_conversations(
    open_shop: Callable[[], AbstractAsyncContextManager[ChatEndpoint]],
    conversations: list[Conversation],
) -> list[Outcome]:
    """Every conversation in a shop of its own (`open_shop()`: the example shop as loaded), so
    that what one does (a cancelled order, a return, failed proofs) never changes another's
    answers, and a conversation run alone (--only) reads as it does in the whole suite."""
    outcomes = []
    for index, conversation in enumerate(conversations):
        async with open_shop() as endpoint:
            outcomes.append(await run_conversation(endpoint, conversation, loopback_address(index)))
    return outcomes


async def run_conversation(
    endpoint: ChatEndpoint, conversation: Conversation, address: str
) -> Outcome:
    """One conversation from `address`, every turn checked; it stops at a failed request."""
    outcome = Outcome(conversation)
    connector = aiohttp.TCPConnector(local_addr=(address, 0))
    timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(
        endpoint.base_url, connector=connector, timeout=timeout
    ) as http:
        try:
            chat = await _open(http, endpoint, conversation.identity)
            for turn in conversation.turns:
                result = TurnResult(turn, await chat.say(turn.say))
                result.problems = turn_problems(turn, result.replies, conversation.lang)
                outcome.turns.append(result)
            outcome.state = await chat.state()
        except (aiohttp.ClientError, TimeoutError, ChatRefused) as failed:
            # A refused or hung request ends the conversation: the shopper could not go on.
            broken = TurnResult(conversation.turns[len(outcome.turns)])
            broken.problems = [f"the chat API failed: {type(failed).__name__}: {failed}"]
            outcome.turns.append(broken)
            return outcome
    outcome.end_problems = end_problems(conversation, outcome.state)
    return outcome


class ChatRefused(Exception):
    """The chat API answered with an error (a rate limit, a refused identity...)."""


class _Chat:
    """One chat session, as the widget holds it: its id and bearer token."""

    def __init__(self, http: aiohttp.ClientSession, session_id: str, token: str) -> None:
        self.http, self.path = http, f"/api/chat/sessions/{session_id}/messages"
        self.headers = {"Authorization": f"Bearer {token}"}

    async def say(self, text: str) -> list[Said]:
        client_id = str(uuid.uuid4())
        async with self.http.post(
            self.path, json={"text": text, "client_id": client_id}, headers=self.headers
        ) as answer:
            body = await _json_or_refuse(answer)
        replies = [_said(message) for message in body["messages"]]
        if replies or body["state"] != "bot":
            return replies
        return await self._late_replies(client_id)

    async def _late_replies(self, client_id: str) -> list[Said]:
        """Replies that come after the POST answered (the bot was briefly away), for a while."""
        deadline = time.monotonic() + LATE_REPLY_SECONDS
        while time.monotonic() < deadline:
            await asyncio.sleep(1)
            messages = await self._transcript()
            mine = next((m["id"] for m in messages if m.get("client_id") == client_id), None)
            replies = [_said(m) for m in messages if mine and m.get("reply_to") == mine]
            if replies:
                return replies
        return []

    async def _transcript(self) -> list[dict]:
        async with self.http.get(self.path, headers=self.headers) as answer:
            return (await _json_or_refuse(answer))["messages"]

    async def state(self) -> str:
        async with self.http.get(self.path, headers=self.headers) as answer:
            return (await _json_or_refuse(answer))["state"]


async def _open(http: aiohttp.ClientSession, endpoint: ChatEndpoint, identity: str | None):
    """A new session with no locale hint (the language comes from the shopper's words), signed
    in as `identity` the way the shop's page signs its logged-in customer in."""
    body: dict = {}
    if identity:
        expires = int((endpoint.now() + IDENTITY_LIFETIME).timestamp())
        signature = identity_signature(endpoint.identity_secret, identity, expires)
        body["identity"] = {"email": identity, "signature": signature, "expires": expires}
    async with http.post("/api/chat/sessions", json=body) as answer:
        created = await _json_or_refuse(answer)
    if identity and not created.get("identified"):
        raise ChatRefused(f"the signed identity was refused: {created.get('identity_problem')}")
    return _Chat(http, created["session_id"], created["token"])


async def _json_or_refuse(answer: aiohttp.ClientResponse) -> dict:
    if answer.status >= 400:
        raise ChatRefused(
            f"HTTP {answer.status} on {answer.url.path}: {(await answer.text())[:200]}"
        )
    return await answer.json()


def _said(message: dict) -> Said:
    return Said(
        sender=message["from"],
        text=message["text"],
        lang=message.get("lang"),
        buttons=tuple(button.get("title", "") for button in message.get("buttons") or ()),
    )
