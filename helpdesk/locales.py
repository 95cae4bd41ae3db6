"""Texts a person reads, from locales/<lang>.yml, rendered with variables in a language."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Rendered:
    key: str
    lang: str  # the language the text is actually in (English when the language lacks the key)
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


class _KeepUnknown(dict):
    """Leaves a placeholder with no value visible instead of failing the whole reply."""

    def __missing__(self, name: str) -> str:
        log.warning("no value for placeholder {%s}", name)
        return "{" + name + "}"


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
        buttons = [{name: str(part).format_map(values) for name, part in button.items()}
                   for button in entry.get("buttons", [])]
        return Rendered(key, found_lang, entry["text"].format_map(values), buttons)

    def _values(self, variables: dict[str, Any], lang: str) -> _KeepUnknown:
        # A variable named *_key names another text, shown in the same language ("intent_key").
        values = _KeepUnknown(variables)
        for name, value in variables.items():
            if name.endswith("_key") and isinstance(value, str):
                values[name] = self.render(value, lang).text if self._known(value) else value
        return values

    def _known(self, key: str) -> bool:
        return key in self.texts[FALLBACK_LANGUAGE]


def _entry(value: Any) -> dict[str, Any]:
    return {"text": value} if isinstance(value, str) else dict(value)
