"""A question wrapped in a greeting, thanks or goodbye is the question."""

from __future__ import annotations

import pytest

from helpdesk.chat.wrapped import clauses, person_asked_for, question_inside, the_asked_clause
from helpdesk.rasa.client import Understanding
from tests.support.fakes import scripted_nlu

READS = {  # what a trained NLU reads in each text or clause
    "ola, cade meu pedido?? obrigada": "thank_you",
    "ola": "greet",
    "cade meu pedido": "order_status",
    "obrigada": "thank_you",
    "hola buenas, donde esta mi paquete??": "greet",
    "hola buenas": "greet",
    "donde esta mi paquete": "order_status",
    "thanks, bye": "goodbye",
    "thanks": "thank_you",
    "bye": "goodbye",
    "where is my order, it's 10018": "order_status",
    "vale, muchas gracias!": "thank_you",
    "vale": "affirm",
    "muchas gracias": "thank_you",
    "ok, bye then": "goodbye",
    "ok": "stop",
    "bye then": "goodbye",
    "wait, who pays for sending it back?": "nlu_fallback",  # unsure of the whole
    "wait": "goodbye",
    "cool thanks, bye": "thank_you",
    "cool thanks": "thank_you",
    "oh yes i see it on my account now, thanks!": "affirm",
    "oh yes i see it on my account now": "affirm",
    "who pays for sending it back": "return_policy",
}


understand = scripted_nlu(READS)


@pytest.mark.parametrize(
    "text, read",
    [
        ("ola, cade meu pedido?? obrigada", "cade meu pedido"),
        ("hola buenas, donde esta mi paquete??", "donde esta mi paquete"),
        ("thanks, bye", "thanks, bye"),  # nothing but small talk: as written
        ("cool thanks, bye", "bye"),  # read as thanks, and the goodbye ends the chat
        ("vale, muchas gracias!", "vale, muchas gracias!"),  # "vale" asks nothing
        ("ok, bye then", "ok, bye then"),
        ("where is my order, it's 10018", "where is my order, it's 10018"),  # no small talk
        ("hello", "hello"),  # one clause: nothing to unwrap
        ("wait, who pays for sending it back?", "who pays for sending it back"),
        # a yes with nothing offered, and thanks: the thanks
        ("oh yes i see it on my account now, thanks!", "thanks"),
    ],
)
async def test_the_question_inside_small_talk_is_what_the_bot_reads(text, read):
    assert await question_inside(text, understand) == read


def test_clauses_follow_the_shoppers_punctuation_in_any_script():
    assert clauses("你好，我的订单到哪了？谢谢") == ["你好", "我的订单到哪了", "谢谢"]
    assert clauses("hi!! where is it?") == ["hi", "where is it"]


FRANCE = {"country": "france"}
ASKED = {  # what a trained NLU reads in whole messages and in their asking clause
    "wait, i live in france, do i pay to send it back?": Understanding(
        "shipping_info", 0.95, FRANCE
    ),
    "do i pay to send it back?": ("return_policy", 0.89),
    "i live in france, do you ship there? how long": Understanding("shipping_info", 0.9, FRANCE),
    "do you ship there?": ("shipping_info", 0.9),
    "so, maybe the refund?": ("shipping_info", 0.6),
    "maybe the refund?": ("refund_status", 0.6),
    "e se eu quiser devolver, quem paga?": ("return_policy", 0.99),
    "quem paga?": ("payment_methods", 0.99),
}
understand_asked = scripted_nlu(ASKED)


@pytest.mark.parametrize(
    "text, payload",
    [
        # the question clause asks about returns; the country the whole message gave goes along
        (
            "wait, i live in france, do i pay to send it back?",
            '/return_policy{"country": "france"}',
        ),
        # the question clause asks what the whole message reads as: nothing to change
        ("i live in france, do you ship there? how long", None),
        # a clause that asks unsurely does not outweigh the whole message
        ("so, maybe the refund?", None),
        # a single clause is the whole message
        ("do i pay to send it back?", None),
        # a message read all but certainly whole is its asked clause in context
        ("e se eu quiser devolver, quem paga?", None),
    ],
)
async def test_the_one_clause_that_asks_is_the_question(text, payload):
    assert await the_asked_clause(text, understand_asked) == payload


PAYMENT_FAILED = "el pago me ha fallado dos veces, esto es un desastre, pasame con alguien"
PERSON_READS = {
    PAYMENT_FAILED: ("payment_methods", 0.79),
    "el pago me ha fallado dos veces": ("payment_methods", 0.95),
    "esto es un desastre": ("complaint", 0.99),
    "pasame con alguien": ("human_handoff", 0.96),
    "ok, where is my order": ("order_status", 0.97),  # sure of the whole: not read in parts
    "ok": ("human_handoff", 0.95),
    "hi, is a person there": ("bot_challenge", 0.5),
    "hi": ("greet", 0.95),
    "is a person there": ("human_handoff", 0.6),  # not sure it asks for one
}


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        (PAYMENT_FAILED, True),
        ("ok, where is my order", False),
        ("hi, is a person there", False),
        ("pasame con alguien", False),  # one clause: the NLU reads it whole
    ],
)
async def test_a_clause_that_surely_asks_for_a_person_is_a_request_for_one(text, asked):
    assert await person_asked_for(text, scripted_nlu(PERSON_READS)) is asked


async def test_beside_thanks_a_clause_without_a_question_mark_read_unsurely_tells():
    reads = {
        "ok vou ver com o banco, obrigado": ("thank_you", 0.9),
        "ok vou ver com o banco": ("payment_methods", 0.52),
        "obrigado": ("thank_you", 0.99),
    }
    text = "ok vou ver com o banco, obrigado"
    assert await question_inside(text, scripted_nlu(reads)) == text


async def test_beside_a_goodbye_a_clause_linked_on_asks():
    reads = {
        "blz. e o frete pra sp qto fica": ("goodbye", 0.56),
        "blz": ("affirm", 0.97),
        "e o frete pra sp qto fica": ("shipping_info", 0.6),
    }
    text = "blz. e o frete pra sp qto fica"
    assert await question_inside(text, scripted_nlu(reads)) == "e o frete pra sp qto fica"
