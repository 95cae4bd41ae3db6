"""A yes or a no after an offer, in the shopper's own words, answers the offer."""

from __future__ import annotations

import pytest

from helpdesk.chat.offers import Offer, answer_to_offer
from helpdesk.rasa.client import Understanding, once_per_text
from tests.support.fakes import scripted_nlu

PERSON = Offer("/human_handoff", "/deny")
READS = {  # what a trained NLU reads in each text
    "si grazie": ("thank_you", 0.7),
    "si": ("affirm", 0.95),
    "grazie": ("thank_you", 0.95),
    "ok allora si grazie": ("thank_you", 0.6),
    "ok": ("stop", 0.55),
    "allora": ("out_of_scope", 0.6),
    "ok allora no grazie": ("thank_you", 0.6),
    "no": ("deny", 0.95),
    "no, but where is my refund?": ("refund_status", 0.8),
    "bestellung 10004, kann ich die noch stornieren? danke schonmal": ("cancel_order", 0.86),
    "bestellung 10004": ("order_status", 0.4),
    "bestellung": ("affirm", 0.55),
    "sim, quero que alguem veja isso": ("complaint", 0.8),
    "sim": ("affirm", 0.95),
    "no dai aspetto ancora qualche giorno": ("refund_status", 0.55),
    "nah thats ok": ("affirm", 0.89),  # "ok" outweighs "nah" in the whole
    "nah": ("deny", 0.8),
    "its": ("out_of_scope", 0.6),
    "fine": ("affirm", 0.7),
    "euh non finalement je la garde": ("stop", 0.83),
    "euh": ("affirm", 0.64),  # a hesitation that reads a little like a yes
    "finalement": ("stop", 0.73),
    "non mais je la garde finalement": ("cancel_order", 0.9),
    "nee passt schon, wollte es nur loswerden": ("nlu_fallback", 0.2),
    "nee passt schon": ("stop", 0.78),
    "nee": ("deny", 0.66),
    "passt": ("affirm", 0.83),  # "it's fine": a yes to the NLU, and a no here
    "schon": ("affirm", 0.81),
    "yes no worries": ("affirm", 0.6),
    "nah its fine, just tell me how returns work for switzerland": ("return_policy", 0.68),
    "nah its fine": ("affirm", 0.92),  # a yes as a whole, and "nah" is a no
    "non": ("deny", 0.95),
    "yes, cancel it": ("cancel_order", 0.95),
    "yes": ("affirm", 0.97),
    "please don't cancel it": ("cancel_order", 0.92),
    "dai": ("out_of_scope", 0.5),
    "aspetto": ("out_of_scope", 0.5),
    "好的换吧": ("start_return", 0.44),  # 换 is also "exchange"
    "好的": ("affirm", 0.99),
    "不用了换什么": ("start_return", 0.5),
    "不用": ("deny", 0.97),
}


understand = scripted_nlu(READS, otherwise=("out_of_scope", 0.9))


@pytest.mark.parametrize(
    "text, payload",
    [
        ("si grazie", "/human_handoff"),  # thanks as a whole, a yes first
        ("ok allora si grazie", "/human_handoff"),  # the yes is the third word
        ("sim, quero que alguem veja isso", "/human_handoff"),  # a complaint is a yes here
        ("no dai aspetto ancora qualche giorno", "/deny"),  # a no, then no sure question
        ("ok allora no grazie", "/deny"),
        ("nah its fine", "/deny"),  # the first word's no, though "fine" reads as a yes
        ("nah thats ok", "/deny"),  # ...even when the whole message reads surely as a yes
        ("nee passt schon, wollte es nur loswerden", "/deny"),  # a no before surer yes-words
        ("yes no worries", "/human_handoff"),  # a sure first yes
        # a sure no that goes on with a question: the question, not a hand-over
        ("nah its fine, just tell me how returns work for switzerland", None),
        ("no, but where is my refund?", None),  # the question
        # A sure question outweighs a fragment that reads like a yes.
        ("bestellung 10004, kann ich die noch stornieren? danke schonmal", None),
        ("what's the weather like", None),
        # Chinese has no spaces: the first two characters are the first word.
        ("好的换吧", "/human_handoff"),
        ("不用了换什么", "/deny"),
    ],
)
async def test_an_offer_is_answered_in_the_shoppers_words(text, payload):
    assert await answer_to_offer(PERSON, text, understand) == payload


CANCEL = Offer("/cancel_order", "/deny")


@pytest.mark.parametrize(
    "text, payload",
    [
        # Words about the offer itself are answered by their yes or no...
        ("euh non finalement je la garde", "/deny"),  # "non" outweighs a hesitant "euh"
        ("non mais je la garde finalement", "/deny"),
        ("yes, cancel it", "/cancel_order"),
        # ...and without one they are no answer: the bot asks again rather than cancel.
        ("please don't cancel it", None),
        # A question about another topic is still that question.
        ("no, but where is my refund?", None),
    ],
)
async def test_words_about_the_offer_itself_answer_it_only_by_a_yes_or_a_no(text, payload):
    assert await answer_to_offer(CANCEL, text, understand) == payload


async def test_the_nlu_reads_each_distinct_text_once_per_turn():
    asked: list[str] = []

    async def counting(text: str) -> Understanding:
        asked.append(text)
        return await understand(text)

    once = once_per_text(counting)
    assert await answer_to_offer(PERSON, "ok allora si grazie", once) == "/human_handoff"
    assert await answer_to_offer(PERSON, "ok allora si grazie", once) == "/human_handoff"
    assert sorted(asked) == sorted(set(asked))  # the second reading asked the NLU nothing
