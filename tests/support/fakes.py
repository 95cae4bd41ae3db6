"""Fakes that record what they were asked, for fast tests without a Rasa server."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from helpdesk.rasa.client import BotFailed, BotMessage, BotUnavailable, Understand, Understanding

Reading = str | tuple[str, float] | Understanding
UNSURE_ENOUGH = 0.8


def scripted_nlu(reads: Mapping[str, Reading], otherwise: Reading = "out_of_scope") -> Understand:
    """An NLU that reads each text as `reads` says (an intent read with 0.8, an (intent,
    confidence) pair, or a whole Understanding) and any other text as `otherwise`."""

    def understanding(reading: Reading) -> Understanding:
        if isinstance(reading, Understanding):
            return reading
        if isinstance(reading, str):
            return Understanding(reading, UNSURE_ENOUGH)
        return Understanding(*reading)

    async def understand(text: str) -> Understanding:
        return understanding(reads.get(text, otherwise))

    return understand


class FakeBot:
    """Answers from a script ({text: [BotMessage, ...]}) and records every call."""

    def __init__(self, script: dict[str, list[BotMessage]] | None = None) -> None:
        self.script = script or {}
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.up = True
        self.failing: set[str] = set()  # texts Rasa answers with a 500, as it did after /restart
        self.hung = False  # takes every message and never answers
        self.release = asyncio.Event()  # ends a hang
        self.understood: dict[str, tuple[str, float]] = {}
        self.tagged: dict[str, dict[str, str]] = {}
        self.understood_calls: list[str] = []

    async def send(
        self, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> list[BotMessage]:
        if not self.up:
            raise BotUnavailable("the fake bot is down")
        self.calls.append((conversation_id, text, metadata))
        if self.hung:
            await self.release.wait()
        if text in self.failing:
            raise BotFailed(f"Rasa answered 500 to {text!r}")
        return self.script.get(text, [BotMessage(key="utter_out_of_scope")])

    async def is_ready(self) -> bool:
        return self.up

    async def understand(self, text: str) -> Understanding:
        """The fake NLU: `understood` maps texts to (intent, confidence) and `tagged` to
        entities (anything else: out of scope, nothing tagged)."""
        if not self.up:
            raise BotUnavailable("the fake bot is down")
        self.understood_calls.append(text)
        intent, confidence = self.understood.get(text, ("out_of_scope", 0.9))
        return Understanding(intent, confidence, self.tagged.get(text, {}))

    def texts(self) -> list[str]:
        return [text for _, text, _ in self.calls]


class FakeEngine:
    """A TranslationEngine that knows a few sentences per language pair and counts its calls."""

    def __init__(self, known: dict[tuple[str, str], dict[str, str]] | None = None) -> None:
        self.known = known or {}
        self.calls: list[tuple[str, str, str]] = []

    def can_translate(self, source: str, target: str) -> bool:
        return (source, target) in self.known

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls.append((text, source, target))
        return self.known[(source, target)].get(text, f"[{target}] {text}")
