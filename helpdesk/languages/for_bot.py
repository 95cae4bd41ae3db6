"""What the bot reads of a shopper's words: as written in a language it was trained on, else in
English. One rule, for the chat path and for the eval command, so that the figures the eval
command prints are what shoppers get."""

from __future__ import annotations

from collections.abc import Collection

from helpdesk.languages.letters import as_meant
from helpdesk.languages.translation import Translation, Translator

BOT_LANGUAGE = "en"  # what the bot understands of every other language


async def text_for_bot(
    text: str, lang: str, *, native: Collection[str], translator: Translator
) -> Translation:
    """The text the bot reads, its letters as meant; `available` False when it needed a
    translation that no installed package gives (then it reads the original)."""
    text = as_meant(text)
    if lang in native:
        return Translation(text, lang, lang, True)
    return await translator.translate(text, lang, BOT_LANGUAGE)
