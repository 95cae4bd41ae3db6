"""Texts a person reads, from locales/<lang>.yml, rendered with variables in a language."""

from __future__ import annotations

import logging
import string
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal

from helpdesk.languages.countries import country_name

log = logging.getLogger(__name__)
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Rendered:
    key: str
    lang: str  # the language the text is actually in (English when the language lacks the key)
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


class _Missing(str):
    """A placeholder with no value: shown as written instead of failing the whole reply."""


class _LocaleFormatter(string.Formatter):
    """str.format with the shopper's conventions: {when:date}, {price:money}, {where:country},
    {share:number}, {names:list} ("a, b and c" as each language writes it), {opens:datetime},
    {topic:title} (the first letter capital, for a button),
    and {points:plural|one:point|other:points} ("1 point", "2 points": the number with the word
    of its CLDR plural category in this language, `other` where the text gives no other form).

    Money values are written "12.50 EUR"; dates ISO "2026-11-25".
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def get_value(self, key, args, kwargs):
        if key not in kwargs:
            log.warning("no value for placeholder {%s}", key)
            return _Missing("{" + str(key) + "}")
        return kwargs[key]

    def format_field(self, value: Any, spec: str) -> str:
        if isinstance(value, _Missing):
            return value
        try:
            return self._formatted(value, spec)
        except (ValueError, TypeError, ArithmeticError, LookupError) as error:
            # A value of the wrong shape (a slot the shopper filled oddly) shows as written.
            log.warning("cannot format %r as %r: %s", value, spec, error)
            return str(value)

    def _formatted(self, value: Any, spec: str) -> str:
        if spec == "date":
            return format_date(date.fromisoformat(str(value)[:10]), format="long", locale=self.lang)
        if spec == "money":
            amount, currency = str(value).split()
            return format_currency(Decimal(amount), currency, locale=self.lang)
        if spec == "datetime":  # "2026-11-23T08:30:00+01:00 Europe/Amsterdam"
            return _moment(str(value), self.lang)
        if spec == "country":
            return country_name(str(value), self.lang)
        if spec == "title":
            text = str(value)
            return text[:1].upper() + text[1:]
        if spec == "number":
            return format_decimal(Decimal(str(value)), locale=self.lang)
        if spec == "list":
            return format_list([str(item) for item in value], locale=self.lang)
        if spec.startswith("plural|"):
            return self._counted(value, spec)
        return super().format_field(value, spec)

    def _counted(self, value: Any, spec: str) -> str:
        forms = dict(form.split(":", 1) for form in spec.split("|")[1:])
        number = Decimal(str(value))
        category = Locale.parse(self.lang).plural_form(number)
        word = forms.get(category, forms["other"])
        return f"{format_decimal(number, locale=self.lang)} {word}".strip()


def _moment(value: str, lang: str) -> str:
    """A weekday, date and time in a named time zone: "Mon, Nov 23 08:30 (Netherlands Time)"."""
    moment, _, zone = value.partition(" ")
    when = datetime.fromisoformat(moment)
    tz = ZoneInfo(zone) if zone else when.tzinfo
    when = when.astimezone(tz)
    day = format_skeleton("MMMMEEEEd", when, tzinfo=tz, locale=lang)
    clock = format_skeleton("Hm", when, tzinfo=tz, locale=lang)
    return f"{day} {clock} ({format_datetime(when, 'VVVV', tzinfo=tz, locale=lang)})"


class Locales:
    """All languages' texts: {lang: {key: {"text": ..., "buttons": [...]}}}."""

    def __init__(self, texts: dict[str, dict[str, dict[str, Any]]]) -> None:
        self.texts = texts

    @classmethod
    def load(cls, directory: Path) -> Locales:
        texts = {}
        for path in sorted(directory.glob("*.yml")):
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            texts[path.stem] = {key: _entry(value) for key, value in raw.items()}
        if FALLBACK_LANGUAGE not in texts:
            raise FileNotFoundError(f"{directory / 'en.yml'} is missing: English is the reference")
        return cls(texts)

    @property
    def languages(self) -> list[str]:
        return sorted(self.texts)

    def has(self, key: str, lang: str) -> bool:
        return key in self.texts.get(lang, {})

    def render(self, key: str, lang: str, variables: dict[str, Any] | None = None) -> Rendered:
        """The text for `key` in `lang`; English when that language has no text for it."""
        found_lang = lang if self.has(key, lang) else FALLBACK_LANGUAGE
        entry = self.texts[found_lang].get(key)
        if entry is None:
            raise KeyError(f"no text named {key!r} in locales/en.yml")
        values = self._values(variables or {}, found_lang)
        formatter = _LocaleFormatter(found_lang)
        buttons = [
            {name: formatter.vformat(str(part), (), values) for name, part in button.items()}
            for button in entry.get("buttons", [])
        ]
        # Choices computed by an action (one button per returnable item, say) come first.
        choices = [
            {"title": str(c["title"]), "payload": str(c["payload"])}
            for c in (variables or {}).get("choices", [])
        ]
        return Rendered(
            key, found_lang, formatter.vformat(entry["text"], (), values), choices + buttons
        )

    def _values(self, variables: dict[str, Any], lang: str) -> dict[str, Any]:
        """Variables named *_key hold another text's key, *_keys a list of them (each a key or
        {"key", "vars"}): shown as those texts in the same language, joined as a list
        ("intent_key": "intent_order_status" -> "where your order is"). A value given by
        language ({"en": "Silver", "de": "Silber"}, a merchant's name from the policy files)
        is shown in `lang`, else in English."""
        values = {name: _in(lang, value) for name, value in variables.items()}
        # The texts named may use the plain variables, never other keys (no loops).
        plain = {n: v for n, v in variables.items() if not n.endswith(("_key", "_keys"))}
        for name, value in variables.items():
            if name.endswith("_key") and isinstance(value, str) and self._known(value):
                values[name] = self.render(value, lang, plain).text
            elif name.endswith("_keys") and isinstance(value, list):
                parts = [part for item in value if (part := self._part(item, lang, plain))]
                values[name] = format_list(parts, locale=lang) if parts else ""
        return values

    def _part(self, item: str | dict, lang: str, plain: dict[str, Any]) -> str | None:
        """One entry of a *_keys list: a key, or {"key": ..., "vars": {...}} with its own values."""
        key, own = (item, plain) if isinstance(item, str) else (item["key"], item.get("vars", {}))
        return self.render(key, lang, own).text if self._known(key) else None

    def _known(self, key: str) -> bool:
        return key in self.texts[FALLBACK_LANGUAGE]


def _by_language(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and FALLBACK_LANGUAGE in value
        and all(isinstance(k, str) and len(k) == 2 and k.islower() for k in value)
    )


def _in(lang: str, value: Any) -> Any:
    """A value given by language, in `lang` (lists of them too); any other value as it is."""
    if _by_language(value):
        return value.get(lang) or value[FALLBACK_LANGUAGE]
    if isinstance(value, list):
        return [_in(lang, item) for item in value]
    return value


def _entry(value: Any) -> dict[str, Any]:
    return {"text": value} if isinstance(value, str) else dict(value)
