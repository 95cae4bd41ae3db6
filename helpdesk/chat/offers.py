"""A yes or a no right after the bot offered something ("Shall I pass you to a person?",
"Did you mean your refund?") acts on the offer, in every language: the shopper's words are
understood by the bot's own NLU, and a yes sends the offer's first button, a no its second.
Without this, "si grazie" after a late-order notice got "What can I help you with?". The
whole message is read first, then its first clause, then its first words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from helpdesk.chat.entities import UNSPACED
from helpdesk.rasa.client import Understand, Understanding

# The second button of a yes/no offer (locales/: utter_offer_human, utter_order_delayed,
# utter_ask_affirmation...): what "no" means there.
NO_PAYLOADS = {"/deny", "/out_of_scope"}
YES, NO = "affirm", "deny"
# The bot's answers to an aside that leave its offer standing: "are you a bot?" asked before
# saying yes to a person is still a yes to that person.
ASIDES = {"utter_iamabot"}
SURE_ENOUGH = 0.5  # below, the words go to the bot as they are


@dataclass(frozen=True)
class Offer:
    yes: str  # the payload a yes sends
    no: str

    @property
    def topic(self) -> str:
        """What the offer is about: the intent its yes sends ("cancel_order")."""
        return self.yes.removeprefix("/").split("{", 1)[0]


def offer_in(buttons: list[dict[str, Any]] | None) -> Offer | None:
    """The yes/no offer of a message's buttons, if they are one."""
    payloads = [str(button.get("payload", "")) for button in buttons or []]
    if len(payloads) == 2 and payloads[1] in NO_PAYLOADS and payloads[0].startswith("/"):
        return Offer(payloads[0], payloads[1])
    return None


def answer_to(offer: Offer, intent: str, confidence: float) -> str | None:
    """The payload the shopper's words mean, or None when they are no yes and no no."""
    if confidence < SURE_ENOUGH:
        return None
    return {YES: offer.yes, NO: offer.no}.get(intent)


# What a whole message may be about and still be no question of its own; a complaint after
# an offer of a person ("sim, quero que alguem veja isso") is a yes to it.
NOT_A_QUESTION = {YES, NO, "greet", "goodbye", "thank_you", "out_of_scope", "nlu_fallback", "stop"}
NOT_A_QUESTION |= {"complaint", "human_handoff", "inform"}
# A reading of the whole message this sure of another topic outweighs a yes or a no in a part
# of it ("bestellung 10004, kann ich die noch stornieren? danke schonmal").
SURE_OF_ANOTHER_TOPIC = 0.75
# ...and this sure, it outweighs a no ("no, but where is my refund?"), though not a mere
# misreading of a no that goes on ("no dai aspetto ancora qualche giorno").
ASKS_ENOUGH = 0.65
MAX_WORDS_READ = 3  # "ok allora si grazie": the yes is the third word
SURE_WORD = 0.8  # a first word read this surely as a yes or a no outweighs the whole message


async def answer_to_offer(offer: Offer, text: str, understand: Understand) -> str | None:
    """The offer's payload that `text` means, or None when it is no answer to the offer (then
    the words go to the bot as written)."""
    whole = await understand(text.strip())
    # Words about the offer itself ("non finalement je la garde" after "Cancel order #X?")
    # are answered by their yes or no, never taken as a question of their own.
    about_the_offer = whole.intent == offer.topic
    sure_of_another_topic = whole.confidence >= SURE_OF_ANOTHER_TOPIC
    if not about_the_offer and whole.intent not in NOT_A_QUESTION and sure_of_another_topic:
        return None  # a question of its own
    payload = await _yes_or_no(offer, text, understand, whole)
    if payload == offer.no and asks_something_else(whole, offer):
        return None  # "nah its fine, just tell me how returns work": the question
    return payload


async def _yes_or_no(
    offer: Offer, text: str, understand: Understand, whole: Understanding
) -> str | None:
    """What the words say, read whole, by first clause and by first words: a sure first word
    first ("nah its fine" is a no, though it reads as a yes as a whole; "yes no worries" a
    yes); else any no ("euh non finalement", "nee passt schon": "euh" and "passt" read a
    little like a yes); else any yes ("ok allora si grazie"). A wrong no costs the shopper one
    more message; a wrong yes hands them over or cancels their order."""
    words = [await understand(word) for word in _first_words(text)]
    first = answer_to(offer, words[0].intent, words[0].confidence) if words else None
    if first is not None and words[0].confidence >= SURE_WORD:
        return first
    readings_ = [whole] + [await understand(part) for part in readings(text)[1:2]] + words
    said = {answer_to(offer, r.intent, r.confidence) for r in readings_} - {None}
    if offer.no in said:
        return offer.no
    return offer.yes if offer.yes in said else None


def asks_something_else(whole: Understanding, offer: Offer) -> bool:
    """True when the whole message, read at once, asks about another topic ("no, but where is
    my refund?"): then a no in it is no answer to the offer."""
    other = whole.intent not in NOT_A_QUESTION and whole.intent != offer.topic
    return other and whole.confidence >= ASKS_ENOUGH


def readings(text: str) -> list[str]:
    """The whole message, then its first clause."""
    clause = re.split(r"[,.!?;:，。！？]", text.strip(), maxsplit=1)[0].strip()
    found: list[str] = []
    for part in (text.strip(), clause):
        if part and part not in found:
            found.append(part)
    return found


def _first_words(text: str) -> list[str]:
    words = re.findall(r"[^\W\d_]+", text)[:MAX_WORDS_READ]
    if words and len(words[0]) > 2 and UNSPACED.match(words[0]):
        # "好的换吧" has no spaces: its first two characters ("好的") are its first word.
        words.insert(0, words[0][:2])
    return list(dict.fromkeys(words))
