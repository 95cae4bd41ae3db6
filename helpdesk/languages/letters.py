"""Letters as the shopper meant them. People paste styled text ("𝓬𝓪𝓷𝓬𝓮𝓵" from a font
generator), type on full-width keyboards ("１００１８", "ｃａｎｃｅｌ") or carry invisible
characters from copied text; the bot, the language detector and the order-number reader must
all see "cancel" and "10018". The shopper's message is stored as written: only what is read
is normalised."""

from __future__ import annotations

import re
import unicodedata

# Zero-width spaces and joiners, the BOM, soft hyphens: invisible, and they split words.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


def as_meant(text: str) -> str:
    """NFKC compatibility form (styled and full-width letters and digits become plain ones),
    without invisible characters."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
