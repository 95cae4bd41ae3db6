"""Country names as shoppers write them, in any of the shop's languages, to ISO codes."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale

NAME_LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "zh", "ja")
# What shoppers write that the official names miss.
COLLOQUIAL = {
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "britain": "GB",
    "inglaterra": "GB",
    "angleterre": "GB",
    "inghilterra": "GB",
    "the uk": "GB",
    "gran bretagna": "GB",
    "gran bretana": "GB",
    "grande bretagne": "GB",
    "gra bretanha": "GB",
    "grossbritannien": "GB",
    "the us": "US",
    "the usa": "US",
    "the states": "US",
    "usa": "US",
    "us": "US",
    "america": "US",
    "eeuu": "US",
    "ee uu": "US",
    "eua": "US",
    "etats unis": "US",
    "stati uniti d america": "US",
    "brasil": "BR",
    "holland": "NL",
    "holanda": "NL",
    "hollande": "NL",
    "olanda": "NL",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "suiza": "CH",
    "suica": "CH",
    "osterreich": "AT",
    "china": "CN",
    "大陆": "CN",
    "内地": "CN",
    "美國": "US",
    "アメリカ": "US",
    "イギリス": "GB",
    "cina": "CN",
    "chine": "CN",
    # Babel names them "Hong Kong SAR China" and "中国香港特别行政区"; nobody writes that.
    "hong kong": "HK",
    "hongkong": "HK",
    "香港": "HK",
    "macau": "MO",
    "macao": "MO",
    "澳门": "MO",
    "澳門": "MO",
    "澳洲": "AU",
    # German names in the dative: "in den Niederlanden", "in den USA".
    "niederlanden": "NL",
    "vereinigten staaten": "US",
}


def _plain(text: str) -> str:
    """Lower case, no accents, no punctuation: 'États-Unis' -> 'etats unis'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for lang in NAME_LANGUAGES:
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_plain(name), code)
    names.update(COLLOQUIAL)
    return names


def country_code(text: str | None) -> str | None:
    """'Alemania', 'germany', 'DE', 'États-Unis' -> ISO 3166-1 alpha-2; None when unknown."""
    if not text:
        return None
    if (plain := _plain(text)) in COLLOQUIAL:
        return COLLOQUIAL[plain]
    if len(text.strip()) == 2 and text.strip().isascii() and text.strip().isalpha():
        code = text.strip().upper()
        return code if code in Locale("en").territories else None
    return _names().get(_plain(text))


# Names that are also everyday words ("ship to us", a turkey, Jordan the name): never taken for a
# country inside a sentence, though a bare answer "Jordan" still is (country_code).
NOT_IN_SENTENCES = {
    "us",
    "chad",
    "jordan",
    "turkey",
    "georgia",
    "guinea",
    "niger",
    "mali",
    "togo",
    "oman",
    "jersey",
    "guernsey",
    "man",
    "sur",
    "peru",
}
# Codes babel names that are no country a parcel goes to (European Union, United Nations...).
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


def names_in_sentences() -> list[str]:
    """Every name of a country a shopper may write inside a sentence, in each of the shop's
    languages, as written and without accents: the bot's lookup of countries is built from it
    (scripts/country_lookup.py), so the bot finds 'españa' and 'canada' in lower case."""
    written: set[str] = set()
    for lang in NAME_LANGUAGES:
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES:
                written |= {name.casefold(), _plain(name)}
    written |= set(COLLOQUIAL)
    return sorted(name for name in written if name not in NOT_IN_SENTENCES and _long_enough(name))


def _long_enough(name: str) -> bool:
    """Three letters at least, to be told from a word; two Chinese or Japanese characters are
    a whole name ("中国", "日本")."""
    return len(name) > 2 or (len(name) == 2 and all(ord(c) > 0x2FFF for c in name))


def country_name(code: str, lang: str) -> str:
    return Locale.parse(lang).territories.get(code.upper(), code)
