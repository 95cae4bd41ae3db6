"""One or two words that name a topic ("tracking", "refund?", "cancel") get that topic. The
NLU, trained mostly on sentences, often reads so few words as out of scope, and the shopper
was told the bot can't help with the very thing it does."""

from __future__ import annotations

from helpdesk.rasa.client import Understanding

MAX_WORDS = 2
# A topic this likely among the NLU's guesses is what the words name; below, they name nothing
# the bot knows ("lol", "asdf") and stay out of scope.
LIKELY_ENOUGH = 0.2
NOT_TOPICS = {"nlu_fallback", "out_of_scope", "greet", "goodbye", "thank_you", "affirm", "deny"}
NOT_TOPICS |= {"inform", "stop", "bot_challenge"}


def is_few_words(text: str) -> bool:
    return 0 < len(text.split()) <= MAX_WORDS


def topic_named(understood: Understanding, text: str) -> str | None:
    """`/topic` when `text` is a few words that the NLU read as out of scope but a topic is its
    best real guess and likely enough; else None."""
    if not is_few_words(text) or understood.intent != "out_of_scope":
        return None
    topics = [(name, p) for name, p in understood.ranking if name not in NOT_TOPICS]
    if not topics or topics[0][1] < LIKELY_ENOUGH:
        return None
    return f"/{topics[0][0]}"
