"""What the bot said, in the conversation's language: a human text from locales/ where one
exists, machine translation otherwise, English (and a notice) when neither is possible."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from helpdesk.languages.locales import Locales
from helpdesk.languages.translation import Translator
from helpdesk.rasa.client import BotMessage

log = logging.getLogger(__name__)
# Said instead of a text the bot names but locales/ lacks (Rasa's own `utter_restart`, a typo in
# the domain): the shopper gets an honest sentence, never an empty bubble or an error.
FALLBACK_KEY = "notice_bot_failed"


@dataclass
class Reply:
    text: str
    lang: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    key: str | None = None
    variables: dict | None = None
    original_text: str | None = None  # the English a machine translation was made from
    untranslated: bool = False  # shown in English because no translation was available


class ReplyRenderer:
    def __init__(self, locales: Locales, translator: Translator) -> None:
        self.locales = locales
        self.translator = translator

    async def render(self, said: BotMessage, lang: str) -> Reply:
        if said.key is None:  # plain text from outside our NLG endpoint
            return Reply(said.text or "", lang, list(said.buttons))
        try:
            rendered = self.locales.render(said.key, lang, said.variables)
        except KeyError:
            log.error(
                "the bot said %r, which locales/en.yml has no text for; said %r instead",
                said.key,
                FALLBACK_KEY,
            )
            said = BotMessage(key=FALLBACK_KEY)
            rendered = self.locales.render(FALLBACK_KEY, lang)
        reply = Reply(
            rendered.text, rendered.lang, rendered.buttons, said.key, said.variables or None
        )
        if rendered.lang == lang:
            return reply
        translated = await self.translator.translate(rendered.text, rendered.lang, lang)
        if not translated.available:
            reply.untranslated = True
            return reply
        reply.original_text, reply.text, reply.lang = rendered.text, translated.text, lang
        reply.buttons = [
            {
                **button,
                "title": (
                    await self.translator.translate(button["title"], rendered.lang, lang)
                ).text,
            }
            for button in rendered.buttons
        ]
        return reply
