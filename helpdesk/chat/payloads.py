"""What a shopper may send the bot as a button's payload: a button the bot offered in this
conversation, or a plain `/intent` of the bot's own domain. Never one of Rasa's internal intents
(`/restart`, `/session_start`, `/back`), and never entities the shopper made up
(`/order_status{"email": " "}`): such a text goes to the bot as words, without its slash."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PAYLOAD_PREFIX = "/"
_PLAIN_INTENT = re.compile(r"/([A-Za-z][A-Za-z0-9_]*)")


def domain_intents(domain_file: Path) -> frozenset[str]:
    """The intents the bot is trained on, as listed in its domain."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    names = set()
    for intent in domain.get("intents") or []:
        names.add(next(iter(intent)) if isinstance(intent, dict) else str(intent))
    return frozenset(names)


class ShopperPayloads:
    def __init__(self, intents: frozenset[str]) -> None:
        self.intents = intents

    def for_bot(self, text: str, offered: set[str]) -> str:
        """The text as the bot may read it."""
        if not text.startswith(PAYLOAD_PREFIX) or text in offered:
            return text
        plain = _PLAIN_INTENT.fullmatch(text)
        if plain and plain.group(1) in self.intents:
            return text
        # Words after all: Rasa reads a leading slash as an intent, so it goes.
        return text.lstrip(PAYLOAD_PREFIX + " \t\n") or "?"
