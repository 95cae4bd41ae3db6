"""The values shoppers give in their own words, found by the helpdesk: emails and countries
(order numbers and postal codes: helpdesk/orders/numbers.py)."""

from __future__ import annotations

import re
from functools import cache

from helpdesk.languages.countries import country_code, names_in_sentences

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def country_in(text: str) -> str | None:
    """A country named anywhere in the words, in any of the shop's languages and any case."""
    words = re.findall(r"\w+", text.casefold())
    for size in (3, 2, 1):  # "united states", "costa rica" before "states"
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if phrase in _known_names() and country_code(phrase):
                return phrase
    return None


@cache
def _known_names() -> frozenset[str]:
    return frozenset(names_in_sentences())
