"""The bot behind a small interface: the real Rasa server over HTTP, and what it sends back."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

log = logging.getLogger(__name__)


class BotUnavailable(Exception):
    """The bot could not answer now (not running, starting, crashed, timed out)."""


class BotFailed(BotUnavailable):
    """The bot is up but answered this message with an error: sending it again may fail again."""


@dataclass(frozen=True)
class BotMessage:
    """One thing the bot said: a text to render from locales/, and/or a signal to act on."""

    key: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    text: str | None = None  # only when something outside our NLG endpoint produced plain text
    buttons: list[dict[str, str]] = field(default_factory=list)
    escalate: dict[str, Any] | None = None
    # What the NLU read in the shopper's message, for the event log (our NLG endpoint adds it).
    intent: str | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class Understanding:
    """What the bot's NLU reads in a text outside any conversation: the intent, its confidence,
    and the first value of each entity it tagged."""

    intent: str
    confidence: float
    entities: dict[str, str] = field(default_factory=dict)
    ranking: tuple[tuple[str, float], ...] = ()  # every intent's confidence, best first

    def close_to_best(self, margin: float) -> list[str]:
        """The intents within `margin` of the best real one (the fallback is none), best first."""
        real = [(name, confidence) for name, confidence in self.ranking if name != "nlu_fallback"]
        if not real:
            return []
        best = real[0][1]
        return [name for name, confidence in real if best - confidence <= margin]


Understand = Callable[[str], Awaitable[Understanding]]


def once_per_text(understand: Understand) -> Understand:
    """`understand` that asks the NLU once per distinct text: the rules that read one message
    (an open question, an offer, a follow-up) ask about the same words in turn."""
    seen: dict[str, Understanding] = {}

    async def remembering(text: str) -> Understanding:
        if text not in seen:
            seen[text] = await understand(text)
        return seen[text]

    return remembering


class Bot(Protocol):
    async def send(
        self, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> list[BotMessage]:
        """The bot's answer to one shopper message; raises BotUnavailable."""

    async def is_ready(self) -> bool:
        """True when the bot answers with a loaded model."""

    async def understand(self, text: str) -> Understanding:
        """What the bot's NLU reads in `text`, without a turn of the conversation; raises
        BotUnavailable."""


def parse_rasa_output(items: list[dict[str, Any]]) -> list[BotMessage]:
    """Rasa's REST channel output -> BotMessages.

    Our NLG endpoint answers every response name with {"custom": {"say": {...}}} so that the
    helpdesk renders it in the shopper's language; actions signal with json_message
    {"escalate": {...}}.
    """
    messages = []
    for item in items:
        custom = item.get("custom") or {}
        if "say" in custom:
            say, understood = custom["say"], custom.get("understood") or {}
            messages.append(
                BotMessage(
                    key=say["key"],
                    variables=say.get("vars") or {},
                    intent=understood.get("intent"),
                    confidence=understood.get("confidence"),
                )
            )
        elif "escalate" in custom:
            messages.append(BotMessage(escalate=custom["escalate"] or {}))
        elif item.get("text"):
            messages.append(BotMessage(text=item["text"], buttons=item.get("buttons") or []))
        else:
            log.warning("ignoring a bot message the helpdesk does not understand: %s", item)
    return messages


def _understanding(parsed: dict[str, Any]) -> Understanding:
    """Rasa's /model/parse answer -> Understanding (the first value of each entity wins)."""
    intent = parsed.get("intent") or {}
    entities: dict[str, str] = {}
    for tagged in parsed.get("entities") or []:
        name, value = tagged.get("entity"), tagged.get("value")
        if isinstance(name, str) and isinstance(value, str | int) and str(value).strip():
            entities.setdefault(name, str(value).strip())
    ranking = tuple(
        (str(guess.get("name")), float(guess.get("confidence") or 0))
        for guess in parsed.get("intent_ranking") or []
        if isinstance(guess, dict) and guess.get("name")
    )
    return Understanding(
        str(intent.get("name") or ""), float(intent.get("confidence") or 0), entities, ranking
    )


class RasaBot:
    """The real Rasa server (`rasa run --enable-api`), reached through its REST channel."""

    def __init__(self, url: str, token: str, timeout: float, http: aiohttp.ClientSession) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.http = http

    async def send(
        self, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> list[BotMessage]:
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        try:
            async with self.http.post(
                f"{self.url}/webhooks/rest/webhook", json=body, timeout=self.timeout
            ) as response:
                if response.status != 200:
                    failure = BotFailed if response.status == 500 else BotUnavailable
                    raise failure(
                        f"Rasa answered {response.status}: {(await response.text())[:500]}"
                    )
                return parse_rasa_output(await response.json())
        except (aiohttp.ClientError, TimeoutError) as error:
            raise BotUnavailable(f"Rasa is not reachable at {self.url}: {error!r}") from error

    async def understand(self, text: str) -> Understanding:
        try:
            async with self.http.post(
                f"{self.url}/model/parse",
                params={"token": self.token},
                json={"text": text},
                timeout=self.timeout,
            ) as response:
                if response.status != 200:
                    raise BotUnavailable(f"Rasa answered {response.status} to /model/parse")
                return _understanding(await response.json())
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise BotUnavailable(f"Rasa is not reachable at {self.url}: {error!r}") from error

    async def is_ready(self) -> bool:
        try:
            async with self.http.get(
                f"{self.url}/status",
                params={"token": self.token},
                timeout=aiohttp.ClientTimeout(total=5),
            ) as response:
                return response.status == 200 and bool((await response.json()).get("model_id"))
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return False
