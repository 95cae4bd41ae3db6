"""The values shoppers give in their own words, found by the helpdesk: emails and countries
(order numbers and postal codes: helpdesk/orders/numbers.py)."""

from __future__ import annotations

import re
from functools import cache

from helpdesk.languages.countries import COLLOQUIAL, country_code, names_in_sentences

# ASCII word boundaries: in "邮箱li.wei@example.com" the address touches Chinese letters.
EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", re.ASCII
)
# Scripts written without spaces between words: a country's name is found inside the text.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MIN_LATIN_INSIDE = 4  # "canada" inside "你们发货到canada吗", never "uk" inside a word


# Words that take back the country right after them ("i meant the uk not the us"), or after
# small words between ("pas la suisse", "nicht in die schweiz"): "not sure, spain?" takes
# nothing back.
NEGATIONS = frozenset({"not", "no", "pas", "nicht", "non", "não", "nao", "ni"})
SMALL_WORDS = frozenset(
    "the to in from la le l les de du en au aux à a al el los las il lo gli o os as do da "
    "em no na para per die der das nach aus".split()
)


def country_in(text: str) -> str | None:
    """The first country named and not taken back anywhere in the words, in any of the shop's
    languages and any case; inside the text where it is written without spaces ("我在中国",
    "发货到canada吗")."""
    if UNSPACED.search(text):
        return _country_inside(text.casefold())
    return next((name for name, taken_back in countries_named(text) if not taken_back), None)


def countries_named(text: str) -> list[tuple[str, bool]]:
    """Each country named in spaced words, in the order written, and whether a negation in its
    clause takes it back ("i meant the uk not the us": uk, then the us taken back)."""
    named = []
    for clause in re.split(r"[,.;:!?¿¡]", text.casefold()):
        words, start = re.findall(r"\w+", clause), 0
        while start < len(words):
            size = _name_size_at(words, start)
            if size:
                named.append(
                    (
                        " ".join(words[start : start + size]),
                        negated(words[:start], by_a_small_word=False),
                    )
                )
            start += size or 1
    return named


def negated(words: list[str], *, by_a_small_word: bool = True) -> bool:
    """A negation at the end of `words`, maybe with small words after it, so that it takes
    back what follows them ("not the 10003", "nicht in die schweiz"). With `by_a_small_word`
    False, a small word right before what follows is never the negation: before a country,
    "no brasil" is "in Brazil"."""
    for distance, word in enumerate(reversed(words[-3:])):
        if word in NEGATIONS and (distance > 0 or by_a_small_word or word not in SMALL_WORDS):
            return True
        if word not in SMALL_WORDS:
            return False
    return False


def _name_size_at(words: list[str], start: int) -> int:
    """How many words a country's name starting at `start` takes (0: none starts there);
    "united states" and "costa rica" before "states"."""
    for size in (3, 2, 1):
        phrase = " ".join(words[start : start + size])
        if start + size <= len(words) and phrase in _known_names() and country_code(phrase):
            return size
    return 0


def _country_inside(text: str) -> str | None:
    # Latin letters between Chinese ones are words of their own: "寄到uk要几天".
    latin_words = set(re.findall(r"[a-z]+(?: [a-z]+)*", text))
    found = [
        name
        for name in _known_names()
        if (name in text and (UNSPACED.search(name) or len(name) >= MIN_LATIN_INSIDE))
        or name in latin_words
    ]
    found += [word for word in latin_words if word in COLLOQUIAL]  # "uk", "usa"
    # The longest name wins: "美国" over nothing, "united states" over "states".
    return max(found, key=len) if found else None


@cache
def _known_names() -> frozenset[str]:
    return frozenset(names_in_sentences())
