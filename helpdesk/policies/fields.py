"""The value types policy files are made of, each refusing bad input with a message a merchant reads."""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from .codes import COUNTRIES, CURRENCIES


class PolicyModel(BaseModel):
    """Every block of a policy file: immutable, and an unknown (mistyped) field is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# Where in a file (field names and list positions) and what is wrong there.
Problem = tuple[tuple[str | int, ...], str]


class PolicyFile(PolicyModel):
    """A whole policy file: beyond what its fields check, `problems` finds what spans them."""

    @abstractmethod
    def problems(self) -> Iterator[Problem]: ...


def show(value: Any) -> str:
    """A bad value as the merchant wrote it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a block of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, Decimal, date)):
        return str(value)
    return repr(value)


def fail(expected: str, value: Any) -> NoReturn:
    raise PydanticCustomError(
        "policy", "must be {expected}, got {got}", {"expected": expected, "got": show(value)}
    )


def as_number(value: Any) -> Decimal | None:
    """A number as a merchant writes it (an int, a decimal or its digits in a string); None for
    anything else, booleans and infinities included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def timezone_name(value: Any) -> str:
    """An IANA time zone name (Europe/Amsterdam), as given; refused when the zone is unknown."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        fail("an IANA time zone such as Europe/Amsterdam or America/New_York", value)
    return value


def whole_check(low: int, high: int | None = None, unit: str = "") -> BeforeValidator:
    """An int from `low` to `high` (inclusive); `unit` words the message ("days", "points").

    Field types are written `Annotated[int, whole_check(...)]` (and so for the checks below):
    mypy reads that as int, where the Annotated type returned by a function is no type to it."""
    of = f" of {unit}" if unit else ""
    span = f"from {low} to {high}" if high is not None else f"{low} or more"
    expected = f"a whole number{of} {span}"

    def check(value: Any) -> int:
        number = as_number(value)
        if number is None or number != number.to_integral_value():
            fail(expected, value)
        if number < low or (high is not None and number > high):
            fail(expected, value)
        return int(number)

    return BeforeValidator(check)


def whole(low: int, high: int | None = None, unit: str = "") -> Any:
    """The type of `whole_check`'s ints, made at run time (for a TypeAdapter)."""
    return Annotated[int, whole_check(low, high, unit)]


def decimal_check(
    low: str, high: str, expected: str, *, places: int, above: bool = False
) -> BeforeValidator:
    """A Decimal from `low` (excluded when `above`) to `high`, with at most `places` decimals."""
    lowest, highest = Decimal(low), Decimal(high)

    def check(value: Any) -> Decimal:
        number = as_number(value)
        if number is None or number > highest or number < lowest or (above and number == lowest):
            fail(expected, value)
        exponent = number.as_tuple().exponent  # an int: NaN and infinities failed above
        if not isinstance(exponent, int) or -exponent > places:
            fail(expected, value)
        return number

    return BeforeValidator(check)


Money = Annotated[
    Decimal,
    decimal_check(
        "0", "1000000", "an amount of money such as 4.95 (0 or more, at most 2 decimals)", places=2
    ),
]
Multiplier = Annotated[
    Decimal,
    decimal_check(
        "0",
        "100",
        "a multiplier above 0 such as 1, 1.5 or 2 (at most 2 decimals)",
        above=True,
        places=2,
    ),
]
Percent = Annotated[
    Decimal, decimal_check("0", "100", "a percentage from 0 to 100 such as 10 or 12.5", places=2)
]


def _pattern(rx: str, expected: str, allowed: frozenset[str] | None = None) -> BeforeValidator:
    compiled = re.compile(rx)

    def check(value: Any) -> str:
        if not isinstance(value, str) or not compiled.fullmatch(value):
            fail(expected, value)
        if allowed is not None and value not in allowed:
            fail(expected, value)
        return value

    return BeforeValidator(check)


CountryCode = Annotated[
    str,
    _pattern(
        r"[A-Z]{2}",
        "an ISO 3166-1 alpha-2 country code in capitals such as NL, DE or US",
        COUNTRIES,
    ),
]
CurrencyCode = Annotated[
    str,
    _pattern(
        r"[A-Z]{3}", "an ISO 4217 currency code in capitals such as EUR, GBP or BRL", CURRENCIES
    ),
]
LanguageCode = Annotated[
    str, _pattern(r"[a-z]{2}", "an ISO 639-1 language code in small letters such as en, pt or zh")
]
Name = Annotated[
    str,
    _pattern(r"[a-z][a-z0-9_]{0,39}", "a name in small letters, digits and _ (such as gift_card)"),
]
MarketName = Annotated[
    str,
    _pattern(
        r"default|[A-Z][A-Z0-9_]{1,19}", "a market name in capitals such as EU or BR, or default"
    ),
]
Text = Annotated[str, _pattern(r"(?s)\S.{0,499}", "a text of 1 to 500 characters")]


def _in_languages(value: Any) -> dict[str, str]:
    """A name shoppers read, in one language (a text: English) or several ({en: ..., de: ...},
    English required): the shopper reads it in theirs, English where it is missing."""
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict) or "en" not in value:
        fail("a text, or texts by language such as {en: Silver, de: Silber} (with en)", value)
    for lang, text in value.items():
        if not (isinstance(lang, str) and re.fullmatch(r"[a-z]{2}", lang)):
            fail("language codes in small letters such as en, de or pt as keys", lang)
        if not (isinstance(text, str) and re.fullmatch(r"(?s)\S.{0,499}", text)):
            fail(f"a text of 1 to 500 characters for {lang}", text)
    return dict(value)


InLanguages = Annotated[dict[str, str], BeforeValidator(_in_languages)]


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        fail("true or false", value)
    return value


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    fail("a date written YYYY-MM-DD, such as 2025-12-25", value)


Flag = Annotated[bool, BeforeValidator(_flag)]
Day = Annotated[date, BeforeValidator(_date)]
Countries = tuple[CountryCode, ...]
SkuPrefix = Annotated[
    str,
    _pattern(
        r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}",
        "the start of a SKU such as PERS- (letters, digits, - and _)",
    ),
]
Days = Annotated[int, whole_check(0, 365, "days")]
BusinessDays = Annotated[int, whole_check(0, 60, "business days")]
Points = Annotated[int, whole_check(0, 10_000_000, "points")]
