"""The values shoppers give in their own words, found by the helpdesk: emails and countries
(order numbers and postal codes: helpdesk/orders/numbers.py)."""

from __future__ import annotations

import re
from functools import cache

from helpdesk.languages.countries import country_code, names_in_sentences

# ASCII word boundaries: in "邮箱li.wei@example.com" the address touches Chinese letters.
EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", re.ASCII
)
# Scripts written without spaces between words: a country's name is found inside the text.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MIN_LATIN_INSIDE = 4  # "canada" inside "你们发货到canada吗", never "uk" inside a word


def country_in(text: str) -> str | None:
    """A country named anywhere in the words, in any of the shop's languages and any case;
    inside the text where it is written without spaces ("我在中国", "发货到canada吗")."""
    if UNSPACED.search(text):
        return _country_inside(text.casefold())
    words = re.findall(r"\w+", text.casefold())
    for size in (3, 2, 1):  # "united states", "costa rica" before "states"
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if phrase in _known_names() and country_code(phrase):
                return phrase
    return None


def _country_inside(text: str) -> str | None:
    found = [
        name
        for name in _known_names()
        if name in text and (UNSPACED.search(name) or len(name) >= MIN_LATIN_INSIDE)
    ]
    # The longest name wins: "美国" over nothing, "united states" over "states".
    return max(found, key=len) if found else None


@cache
def _known_names() -> frozenset[str]:
    return frozenset(names_in_sentences())
