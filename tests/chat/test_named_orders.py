"""A message that names its order is about that order."""

from __future__ import annotations

import pytest

from helpdesk.chat.named_orders import (
    asks_about_its_order,
    corrected_order,
    naming_an_order,
    order_meant,
    the_named_orders_topic,
)
from tests.chat.understood import reading


@pytest.mark.parametrize(
    ("text", "read", "payload"),
    [
        # An order question naming a number the NLU did not tag: that order, not the last one.
        (
            "y el 10015 todavia lo puedo cancelar? ya no lo quiero",
            reading(("cancel_order", 0.9)),
            '/cancel_order{"order_number": "10015"}',
        ),
        (
            "where is my order 10045",
            reading(("order_status", 0.95), entities={"order_number": "10045"}),
            None,
        ),
        ("where is my parcel, zip 10115", reading(("order_status", 0.9)), None),  # a postal code
        ("do you ship to 10115?", reading(("shipping_info", 0.9)), None),  # no order topic
        ("cancel 10015?", reading(("cancel_order", 0.4)), None),  # unsure of the topic
        # The NLU tagged the number the words take back.
        (
            "posso ancora annullare il 10003? anzi no scusa, intendevo il 10002",
            reading(("cancel_order", 0.86), entities={"order_number": "10003"}),
            '/cancel_order{"order_number": "10002"}',
        ),
    ],
)
def test_an_order_question_names_its_order(text, read, payload):
    assert naming_an_order(read, text) == payload


@pytest.mark.parametrize(
    ("text", "read", "payload"),
    [
        # The email made it read as an answer; the cancellation was asked.
        (
            "hola, quiero anular el pedido 10002. mi mail: giulia@example.com",
            reading(
                ("inform", 0.47), ("cancel_order", 0.34), entities={"email": "giulia@example.com"}
            ),
            '/cancel_order{"order_number": "10002", "email": "giulia@example.com"}',
        ),
        # The return postage reads as the rules; the trainers of that order go back.
        (
            "need to send back the trainers from order 10023 - do I pay the return postage?",
            reading(("return_policy", 0.64), ("start_return", 0.33)),
            '/start_return{"order_number": "10023"}',
        ),
        # A bare answer, with no order topic among the readings: left as it is.
        ("10002, giulia@example.com", reading(("inform", 0.96), ("cancel_order", 0.02)), None),
        # The rules in general, with a number the words call a postal code.
        (
            "return rules for postcode 10115?",
            reading(("return_policy", 0.6), ("start_return", 0.3)),
            None,
        ),
        # A person asked for, though an order topic is plausible: the hand-over stands.
        (
            "i want a human about order 10002",
            reading(("human_handoff", 0.6), ("order_status", 0.3)),
            None,
        ),
    ],
)
def test_words_that_name_an_order_ask_about_it_when_that_is_a_plausible_reading(
    text, read, payload
):
    assert the_named_orders_topic(read, text) == payload


def test_a_clause_inside_an_order_question_is_part_of_it():
    refund = reading(("refund_status", 0.92))
    text = "devolvi una camiseta del pedido 10025 y aun no veo el dinero, cuando me lo devolveis?"
    assert asks_about_its_order(refund, text)
    assert not asks_about_its_order(reading(("refund_status", 0.4)), text)  # not sure of it
    assert not asks_about_its_order(refund, "aun no veo el dinero, cuando me lo devolveis?")
    assert not asks_about_its_order(None, text)


@pytest.mark.parametrize(
    ("answered", "text", "read", "payload"),
    [
        # Stumbling words with another number, after an answer about an order: that order.
        (
            "cancel_order",
            "wait no sorry wrong one!! its 10005, the sweater",
            reading(("change_order", 0.4), ("inform", 0.22)),
            '/cancel_order{"order_number": "10005"}',
        ),
        # Words that say the shopper meant another order, however surely the NLU reads them.
        (
            "cancel_order",
            "ah non pardon je me suis trompée, je voulais dire la 10011",
            reading(("order_status", 0.9), entities={"order_number": "10011"}),
            '/cancel_order{"order_number": "10011"}',
        ),
        # Sure of a question of its own: asked as it is.
        (
            "order_status",
            "and can i cancel 10005?",
            reading(("cancel_order", 0.93)),
            None,
        ),
        # After an answer about no order.
        ("shipping_info", "wrong one, its 10005", reading(("inform", 0.4)), None),
        # The NLU tagged another number than the one the words name first.
        (
            "cancel_order",
            "10005 or 10006?",
            reading(("inform", 0.45), entities={"order_number": "10006"}),
            None,
        ),
    ],
)
def test_another_order_named_in_unsure_words_after_an_order_answer_is_a_correction(
    answered, text, read, payload
):
    assert corrected_order(answered, read, text) == payload


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("posso ancora annullare il 10003? anzi no scusa, intendevo il 10002", "10002"),
        ("i meant 10002 not 10003", "10002"),
        ("no wait, not 10013 but 10031", "10031"),
        ("perdon me equivoque de numero, es el 10025 no el 10052", "10025"),
        ("is 10003 or 10002 still open?", None),  # both asked about
        ("orders 10003 and 10003", None),  # one order
    ],
)
def test_of_two_numbers_the_one_not_taken_back_is_meant(text, meant):
    assert order_meant(text) == meant
