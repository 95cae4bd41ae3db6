"""A yes or a no right after the bot offered something ("Shall I pass you to a person?",
"Did you mean your refund?") acts on the offer, in every language: the shopper's words are
understood by the bot's own NLU, and a yes sends the offer's first button, a no its second.
Without this, "si grazie" after a late-order notice got "What can I help you with?"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from helpdesk.rasa.client import Understanding

# The second button of a yes/no offer (locales/: utter_offer_human, utter_order_delayed,
# utter_ask_affirmation...): what "no" means there.
NO_PAYLOADS = {"/deny", "/out_of_scope"}
YES, NO = "affirm", "deny"
SURE_ENOUGH = 0.5  # below, the words go to the bot as they are


@dataclass(frozen=True)
class Offer:
    yes: str  # the payload a yes sends
    no: str


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


# What a whole message may be about and still be no question of its own.
NOT_A_QUESTION = {YES, NO, "greet", "goodbye", "thank_you", "out_of_scope", "nlu_fallback", "stop"}


def asks_something_else(whole: Understanding) -> bool:
    """True when the whole message, read at once, confidently asks about a topic."""
    return whole.intent not in NOT_A_QUESTION and whole.confidence >= SURE_ENOUGH


def readings(text: str) -> list[str]:
    """What to ask the NLU, in turn: the whole message, then its first clause, then its first
    word. "si grazie" reads as thanks and "yes. a real human, now" as a question about the bot,
    but both open with a yes, and a yes is what answers an offer."""
    clause = re.split(r"[,.!?;:，。！？]", text.strip(), maxsplit=1)[0].strip()
    word = clause.split(maxsplit=1)[0] if clause.split() else ""
    found: list[str] = []
    for part in (text.strip(), clause, word):
        if part and part not in found:
            found.append(part)
    return found
