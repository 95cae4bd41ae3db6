"""A reply that names one of the buttons the bot just showed chooses it. Asked "Which item of
order #10026 do you want to return?" with the buttons "Slim jeans, dark blue" and "Chelsea
boots", a shopper types "las botas chelsea" rather than clicking: the word they share with
one button, and with no other, makes the choice. Only choices that carry a value (an item, a
product) are read so: a menu of topics ("Where is my order?") is the NLU's to read, with
everything else the shopper wrote."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MIN_WORD = 4  # shorter words ("the", "de", "blue"...) name nothing on their own
MAX_WORDS = 8  # a longer message says more than a choice


def chosen(buttons: list[dict[str, Any]] | None, text: str) -> str | None:
    """The payload of the one button whose title shares a word with `text`, else None."""
    words = _words(text)
    if not words or len(text.split()) > MAX_WORDS or len(buttons or []) < 2:
        return None
    if any(c.isdigit() or c == "@" for c in text):
        return None  # "where is my order 10018" says more than the button "Where is my order?"
    named = [
        str(button["payload"])
        for button in buttons or []
        if _carries_a_value(button) and words & _words(button.get("title"))
    ]
    return named[0] if len(named) == 1 else None


def the_one_named(titles: dict[str, str], text: str) -> str | None:
    """The key of the one title that shares a word with `text` ("les bottines chelsea" names
    "Chelsea boots", not "Slim jeans, dark blue"), else None."""
    words = _words(text)
    named = [key for key, title in titles.items() if words & _words(title)]
    return named[0] if len(named) == 1 else None


def _carries_a_value(button: dict[str, Any]) -> bool:
    payload = str(button.get("payload", ""))
    return payload.startswith("/") and "{" in payload


def _words(text: Any) -> set[str]:
    plain = unicodedata.normalize("NFKD", str(text or "").casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    # "T-shirt" is also written "tshirt": a hyphenated word counts joined, too.
    joined = {word.replace("-", "") for word in re.findall(r"\w+(?:-\w+)+", plain)}
    return {word for word in {*re.findall(r"\w+", plain), *joined} if len(word) >= MIN_WORD}
