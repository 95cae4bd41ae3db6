"""An answer that fits the bot's open question is the answer, whatever words are around it."""

from __future__ import annotations

import json

import pytest

from helpdesk.chat.entities import country_in
from helpdesk.chat.questions import (
    ASK_COUNTRY,
    ASK_ORDER_NUMBER,
    ASK_PROOF,
    answer_to_question,
    needs_understanding,
    numbers_to_look_up,
)
from helpdesk.rasa.client import Understanding


def entities(payload: str | None) -> dict | None:
    return json.loads(payload.removeprefix("/inform")) if payload else None


@pytest.mark.parametrize(
    "question, text, found",
    [
        (ASK_ORDER_NUMBER, "ok. it's #10045", {"order_number": "10045"}),
        (ASK_ORDER_NUMBER, "el pedido es el 10025 gracias", {"order_number": "10025"}),
        (
            ASK_ORDER_NUMBER,
            "10025 and my email is ana.garcia@example.com",
            {"order_number": "10025", "email": "ana.garcia@example.com"},
        ),
        (ASK_ORDER_NUMBER, "10025, 28013", {"order_number": "10025", "postal_code": "28013"}),
        (ASK_PROOF, "1250 096", {"postal_code": "1250 096"}),
        (ASK_PROOF, "o cp é 1250096", {"postal_code": "1250096"}),
        (ASK_PROOF, "ok. emma.johnson@example.com", {"email": "emma.johnson@example.com"}),
        (ASK_PROOF, "foi mal, é lucas.souza@example.com", {"email": "lucas.souza@example.com"}),
        (ASK_PROOF, "postcode is sw1a 1aa", {"postal_code": "sw1a 1aa"}),
        (ASK_PROOF, "1017 CE", {"postal_code": "1017 CE"}),
        (ASK_PROOF, "o cp é 1250-096", {"postal_code": "1250-096"}),
        (ASK_PROOF, "sorry wrong one, it's #10025", {"order_number": "10025"}),
        (ASK_PROOF, "12345-6789", {"postal_code": "12345-6789"}),
        (ASK_COUNTRY, "wohne in deutschland", {"country": "deutschland"}),
        (ASK_COUNTRY, "je suis en belgique", {"country": "belgique"}),
        (ASK_COUNTRY, "en españa", {"country": "españa"}),
        (ASK_COUNTRY, "i live in the united states", {"country": "united states"}),
    ],
)
def test_an_answer_inside_a_sentence_is_found(question, text, found):
    understood = Understanding("inform", 0.9)  # what the NLU reads, where the relay asks it
    answer = answer_to_question(question, text, asked_for="10018", understood=understood)
    assert entities(answer) == found


def test_a_country_inside_a_question_of_its_own_is_no_answer_to_which_country():
    text = "e vcs mandam pra angola?"  # asked the country for the points programme
    assert needs_understanding(ASK_COUNTRY, text)
    shipping = Understanding("shipping_info", 0.86)
    assert answer_to_question(ASK_COUNTRY, text, understood=shipping) is None


POSTAL, ORDER = {"postal_code": "28013"}, {"order_number": "10025"}


@pytest.mark.parametrize(
    "text, tagged, known, found",
    [
        # The words around the number decide first...
        ("mi código postal es 28013", POSTAL, set(), POSTAL),
        ("perdon me equivoque de numero, es el 10025", ORDER, set(), ORDER),
        (
            "ah non pardon c'est la 10011",
            {"order_number": "10011"},
            set(),
            {"order_number": "10011"},
        ),
        # ...then whether the shop has such an order; a number that is none is a postal code.
        ("ay no perdon, es el 10025", {}, {"10025"}, ORDER),
        ("sorry typo!! its 10025 not 10018", {"order_number": "10018"}, {"10025"}, ORDER),
        ("28013", {}, set(), POSTAL),
        ("28013", {"postal_code": "99999"}, set(), POSTAL),  # a tag of another value: no say
        # An order of the shop outweighs a tag that reads it as a postal code.
        (
            "no aspetta ho sbagliato numero, è il 10025",
            POSTAL | {"postal_code": "10025"},
            {"10025"},
            ORDER,
        ),
    ],
)
def test_a_bare_number_given_as_a_proof_is_a_postal_code_or_a_correction(
    text, tagged, known, found
):
    assert needs_understanding(ASK_PROOF, text, asked_for="10018")
    understood = Understanding("inform", 0.9, tagged)
    answer = answer_to_question(ASK_PROOF, text, "10018", understood=understood, known_orders=known)
    assert entities(answer) == found


def test_without_the_nlu_an_ambiguous_number_is_not_decided():
    assert answer_to_question(ASK_PROOF, "28013", "10018") is None
    assert numbers_to_look_up(ASK_PROOF, "its 10025 not 10018", "10018") == ["10025"]


@pytest.mark.parametrize(
    "question, text",
    [
        (ASK_PROOF, "ok. emma.johnson@example.com"),
        (ASK_PROOF, "1017 CE"),
        (ASK_PROOF, "it's #10025"),
        (ASK_PROOF, "10018"),  # the number asked about
        (ASK_ORDER_NUMBER, "10025"),  # only a proof can be a postal code
    ],
)
def test_what_the_words_settle_needs_no_understanding(question, text):
    assert not needs_understanding(question, text, asked_for="10018")


@pytest.mark.parametrize(
    "question, text",
    [
        (ASK_PROOF, "10018"),  # the number the question named: not a proof, not a correction
        (ASK_PROOF, "do you ship express to spain?"),  # a side question
        (ASK_ORDER_NUMBER, "I don't have it with me"),
        (ASK_COUNTRY, "how much is shipping?"),
        ("utter_greet", "10045"),  # no open question
        (ASK_ORDER_NUMBER, "/order_status"),  # a button
        (
            ASK_ORDER_NUMBER,
            "I ordered twice last week and one of them, I think 10045, never came "
            "but the other one did and I am not sure which is which",
        ),
    ],
)
def test_what_does_not_answer_the_question_goes_to_the_bot_as_written(question, text):
    assert answer_to_question(question, text, asked_for="10018") is None


def test_an_empty_value_is_never_an_answer():
    assert answer_to_question(ASK_PROOF, "my email is  ", asked_for="10018") is None


RETURNS_ANSWER = "utter_return_policy_answer"


@pytest.mark.parametrize(
    "text, intent, found",
    [
        ("and for spain?", "inform", {"country": "spain"}),
        ("what about the netherlands", "out_of_scope", {"country": "netherlands"}),
        ("e in svizzera?", "nlu_fallback", {"country": "svizzera"}),
        ("and the return rules in france?", "return_policy", {"country": "france"}),
        ("anzi no scusa, intendevo in inghilterra", "payment_methods", {"country": "inghilterra"}),
        ("do you ship to spain?", "shipping_info", None),  # a question of its own
    ],
)
def test_a_country_after_an_answer_for_another_asks_the_same_again(text, intent, found):
    assert needs_understanding(RETURNS_ANSWER, text)
    sure = 0.9 if found is None else 0.5  # a stumbling reading of a correction is unsure
    understood = Understanding(intent, sure)
    assert entities(answer_to_question(RETURNS_ANSWER, text, understood=understood)) == found


@pytest.mark.parametrize(
    "text, found",
    [
        ("ah non pardon, je commande depuis la belgique en fait, pas la suisse", "belgique"),
        ("wait sorry i meant the uk not the us, i moved to london", "the uk"),
        ("nicht in die schweiz, nach österreich", "österreich"),
        ("não no brasil, em portugal", "portugal"),
    ],
)
def test_a_corrected_country_is_the_answer_whatever_topic_its_words_sound_like(text, found):
    sure_of_shipping = Understanding("shipping_info", 0.95)
    answer = answer_to_question(RETURNS_ANSWER, text, understood=sure_of_shipping)
    assert entities(answer) == {"country": found}


@pytest.mark.parametrize(
    "text, country",
    [
        ("moro no brasil", "brasil"),  # "no" is "in" here
        ("no brasil, quanto custa?", "brasil"),
        ("im not sure, spain?", "spain"),  # the negation is in another clause
        ("no a españa no, a portugal", "portugal"),
        ("not in spain but in italy", "italy"),
    ],
)
def test_a_country_taken_back_by_a_negation_is_not_the_one_named(text, country):
    assert country_in(text) == country


def test_words_without_a_country_after_an_answer_go_to_the_bot_as_written():
    assert not needs_understanding(RETURNS_ANSWER, "thanks!")
    assert answer_to_question(RETURNS_ANSWER, "and for me?") is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # The words call it a postal code, though the shop has an order 10001 too.
        ("zip is 10001", {"postal_code": "10001"}),
        ("zip's 10001", {"postal_code": "10001"}),
        ("PLZ 10115", {"postal_code": "10115"}),
        # A corrected number and the proof in one message: both.
        (
            "scusa ho sbagliato numero, è il 10003. la mail è sempre giulia.rossi@example.com",
            {"order_number": "10003", "email": "giulia.rossi@example.com"},
        ),
        (
            "打错了，是10008，邮箱li.wei@example.com",
            {"order_number": "10008", "email": "li.wei@example.com"},
        ),
        ("my email is emma@example.com, order 10018", {"email": "emma@example.com"}),
        # A corrected number and a postal code named as one, in one message: both.
        (
            "sorry vertippt, meinte 10001. plz ist 10115",
            {"order_number": "10001", "postal_code": "10115"},
        ),
    ],
)
def test_the_words_around_a_proof_say_what_each_number_is(text, found):
    understood = Understanding("inform", 0.9, {})
    answer = answer_to_question(
        ASK_PROOF, text, "10018", understood=understood, known_orders={"10001", "10003", "10115"}
    )
    assert entities(answer) == found


@pytest.mark.parametrize(
    ("text", "understood", "found"),
    [
        ("the tote bag w my initials", Understanding("out_of_scope", 0.9, {}), "product"),
        ("ugh fine. the tshirt then", Understanding("affirm", 0.8, {}), "product"),
        ("how long do refunds take?", Understanding("refund_status", 0.95, {}), None),
        ("no forget it", Understanding("deny", 0.6, {}), None),
        ("cheers thats all", Understanding("thank_you", 0.6, {}), None),
    ],
)
def test_words_after_which_item_to_return_name_the_item_unless_they_ask_else(
    text, understood, found
):
    question = "utter_ask_return_item_refused"
    assert needs_understanding(question, text)
    assert answer_to_question(question, text) is None  # not without the NLU's reading
    answer = answer_to_question(question, text, understood=understood)
    assert (entities(answer) if answer else {}) == ({found: text} if found else {})


def test_the_item_the_nlu_tagged_in_the_answer_is_the_item():
    understood = Understanding("inform", 0.8, {"product": "jean"})
    answer = answer_to_question(
        "utter_ask_return_item", "le jean, il taille trop petit", understood=understood
    )
    assert entities(answer) == {"product": "jean"}
