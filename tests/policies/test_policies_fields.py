from datetime import date
from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from helpdesk.policies.fields import (
    CountryCode,
    CurrencyCode,
    Day,
    Flag,
    LanguageCode,
    Money,
    Multiplier,
    whole,
)


def message(kind, value) -> str:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(kind).validate_python(value)
    return caught.value.errors()[0]["msg"]


def test_whole_numbers():
    days = whole(0, 365, "days")
    assert TypeAdapter(days).validate_python(30) == 30
    assert TypeAdapter(days).validate_python("30") == 30
    assert message(days, "thirty") == "must be a whole number of days from 0 to 365, got 'thirty'"
    assert message(days, 366).endswith("got 366")
    assert message(days, Decimal("1.5")).endswith("got 1.5")
    assert message(days, True).endswith("got true")
    assert message(whole(1), 0) == "must be a whole number 1 or more, got 0"


def test_money_is_decimal_with_two_places():
    assert TypeAdapter(Money).validate_python(Decimal("4.95")) == Decimal("4.95")
    assert TypeAdapter(Money).validate_python(75) == Decimal(75)
    assert "at most 2 decimals" in message(Money, Decimal("4.955"))
    assert message(Money, -1).endswith("got -1")


def test_multiplier_excludes_zero():
    assert TypeAdapter(Multiplier).validate_python(2) == Decimal(2)
    assert message(Multiplier, 0).endswith("got 0")


def test_codes():
    assert TypeAdapter(CountryCode).validate_python("NL") == "NL"
    assert "ISO 3166-1" in message(CountryCode, "XX")
    assert message(CountryCode, "nl").endswith("got 'nl'")
    assert TypeAdapter(CurrencyCode).validate_python("BRL") == "BRL"
    assert "ISO 4217" in message(CurrencyCode, "EURO")
    assert TypeAdapter(LanguageCode).validate_python("pt") == "pt"
    assert "ISO 639-1" in message(LanguageCode, "PT")


def test_flags_and_dates_are_strict():
    assert TypeAdapter(Flag).validate_python(False) is False
    assert message(Flag, "yes") == "must be true or false, got 'yes'"
    assert TypeAdapter(Day).validate_python("2025-12-25") == date(2025, 12, 25)
    assert "YYYY-MM-DD" in message(Day, 20251225)
