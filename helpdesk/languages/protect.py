"""What machine translation must not change: emails, addresses on the web, order numbers, postal
codes, amounts. They are swapped for placeholders before translating and put back after.

Measured on the real zh->en package: "订单10006" came out as "order 1006" and "li.wei@example.com"
lost its name, while a short Latin code such as "ZXQ1" passes through untouched. So each value
becomes such a code, and a code the model drops anyway is added back at the end, so that the bot
still reads every number and address the shopper wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Not inside a Latin word or number: CJK text has no spaces, so \b would not separate them.
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![A-Za-z0-9@._%+-])", r"(?![A-Za-z0-9])"
PROTECTED = re.compile(
    "|".join(
        [
            r"https?://[^\s<>\"'，。！？]+",  # an address on the web
            _EDGE_BEFORE
            + r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
            + _EDGE_AFTER,  # email
            # A number, or a code with digits (order numbers, postal codes like 1250-096, SW1A,
            # amounts like 49,90), with its leading # or currency sign.
            _EDGE_BEFORE
            + r"(?:[#€$£¥]\s?)?(?=[A-Za-z0-9-]*\d)[A-Za-z0-9]+(?:[.,/-][A-Za-z0-9]+)*"
            + _EDGE_AFTER,
        ]
    )
)
MAX_PLACEHOLDERS = 9  # one message rarely holds more; beyond, values go as written


def placeholder(index: int) -> str:
    return f"ZXQ{index + 1}"


@dataclass(frozen=True)
class Masked:
    text: str  # what the translation engine sees
    values: tuple[str, ...]  # the protected values, in placeholder order


def protect(text: str) -> Masked:
    values: list[str] = []

    def swap(match: re.Match[str]) -> str:
        if len(values) >= MAX_PLACEHOLDERS:
            return match.group(0)
        values.append(match.group(0))
        return f" {placeholder(len(values) - 1)} "

    masked = PROTECTED.sub(swap, text)
    return Masked(re.sub(r" {2,}", " ", masked).strip() if values else text, tuple(values))


def restore(translated: str, masked: Masked) -> str:
    """The translation with the values back in their places; values whose placeholder the
    engine dropped are added at the end."""
    missing = []
    for index, value in enumerate(masked.values):
        pattern = re.compile(re.escape(placeholder(index)), re.IGNORECASE)
        # A function, not a template: the value may hold backslashes.
        translated, found = pattern.subn(_constant(value), translated)
        if not found:
            missing.append(value)
    return re.sub(r"\s{2,}", " ", " ".join([translated, *missing])).strip()


def _constant(value: str):
    def replacement(_match: re.Match[str]) -> str:
        return value

    return replacement
