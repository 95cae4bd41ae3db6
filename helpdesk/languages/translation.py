"""Machine translation behind a small interface: cached, off the event loop, never fatal, and
never trusted with what must not change (helpdesk/languages/protect.py).

The real engine is argostranslate (helpdesk/languages/argos.py); tests may use a fake. With no package
for a pair the text goes through unchanged and the result says so, so callers can tell the
shopper or agent that no translation is available instead of failing.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from helpdesk.languages.protect import protect, restore

log = logging.getLogger(__name__)
CACHE_SIZE = 5000
# Where a sentence or clause of Chinese or Japanese ends. The packages' sentence splitter does not
# see these marks, and the zh->en model given two sentences translates the first and drops the
# rest ("我现在有多少积分？另外退货是几天内可以退" came back as "How many points do I have now?").
_CJK_BREAK = re.compile(r"(?<=[？！。；，])")


@dataclass(frozen=True)
class Translation:
    text: str
    source: str
    target: str
    available: bool  # False: no package for this pair; `text` is the original


class TranslationEngine(Protocol):
    def can_translate(self, source: str, target: str) -> bool:
        """True when installed packages cover source -> target (directly or through English)."""

    def translate(self, text: str, source: str, target: str) -> str:
        """Blocking translation; called in a worker thread."""


class TranslationObserver(Protocol):
    """Told of each translation the cache was asked for (helpdesk/metrics counts them)."""

    def hit(self) -> None:
        """Found in the cache."""

    def missed(self, seconds: float) -> None:
        """Not in the cache: the engine took `seconds` (waiting for it included)."""


class _Unobserved:
    def hit(self) -> None:
        pass

    def missed(self, seconds: float) -> None:
        pass


class Translator:
    """Cached, asynchronous front of an engine: the same text is translated once."""

    def __init__(
        self,
        engine: TranslationEngine | None,
        cache_size: int = CACHE_SIZE,
        *,
        observer: TranslationObserver | None = None,
    ) -> None:
        self.engine = engine
        self.cache_size = cache_size
        self.observer: TranslationObserver = observer or _Unobserved()
        self._cache: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self._lock = asyncio.Lock()  # the engine is not thread-safe: one translation at a time

    def can_translate(self, source: str, target: str) -> bool:
        return source == target or (
            self.engine is not None and self.engine.can_translate(source, target)
        )

    async def translate(self, text: str, source: str, target: str) -> Translation:
        if source == target:
            return Translation(text, source, target, True)
        engine = self.engine
        if engine is None or not self.can_translate(source, target):
            return Translation(text, source, target, False)
        key = (source, target, text)
        if key in self._cache:
            self._cache.move_to_end(key)
            self.observer.hit()
            return Translation(self._cache[key], source, target, True)
        masked = protect(text)  # emails, numbers, codes: the engine never sees them
        started = time.perf_counter()
        async with self._lock:
            try:
                translated = restore(
                    await asyncio.to_thread(_in_pieces, engine, masked.text, source, target),
                    masked,
                )
            except Exception:  # noqa: BLE001 - a broken package must not break the chat
                log.exception(
                    "translating %s -> %s failed; passing the original on", source, target
                )
                return Translation(text, source, target, False)
            finally:
                self.observer.missed(time.perf_counter() - started)
        self._remember(key, translated)
        return Translation(translated, source, target, True)

    def _remember(self, key: tuple[str, str, str], translated: str) -> None:
        self._cache[key] = translated
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)


def _in_pieces(engine: TranslationEngine, text: str, source: str, target: str) -> str:
    """The text translated sentence by sentence (and clause by clause where CJK marks them)."""
    pieces = [piece for piece in _CJK_BREAK.split(text) if piece.strip()]
    if len(pieces) < 2:
        return engine.translate(text, source, target)
    return " ".join(engine.translate(piece, source, target).strip() for piece in pieces)
