"""A question wrapped in a greeting, thanks or goodbye is the question."""

from __future__ import annotations

import pytest

from helpdesk.chat.wrapped import clauses, question_inside
from helpdesk.rasa.client import Understanding

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
    "who pays for sending it back": "return_policy",
}


async def understand(text: str) -> Understanding:
    return Understanding(READS.get(text, "out_of_scope"), 0.8)


@pytest.mark.parametrize(
    "text, read",
    [
        ("ola, cade meu pedido?? obrigada", "cade meu pedido"),
        ("hola buenas, donde esta mi paquete??", "donde esta mi paquete"),
        ("thanks, bye", "thanks, bye"),  # nothing but small talk: as written
        ("vale, muchas gracias!", "vale, muchas gracias!"),  # "vale" asks nothing
        ("ok, bye then", "ok, bye then"),
        ("where is my order, it's 10018", "where is my order, it's 10018"),  # no small talk
        ("hello", "hello"),  # one clause: nothing to unwrap
        ("wait, who pays for sending it back?", "who pays for sending it back"),
    ],
)
async def test_the_question_inside_small_talk_is_what_the_bot_reads(text, read):
    assert await question_inside(text, understand) == read


def test_clauses_follow_the_shoppers_punctuation_in_any_script():
    assert clauses("你好，我的订单到哪了？谢谢") == ["你好", "我的订单到哪了", "谢谢"]
    assert clauses("hi!! where is it?") == ["hi", "where is it"]
