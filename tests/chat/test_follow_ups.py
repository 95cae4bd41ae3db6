"""A short follow-up that the NLU hesitates over leans on the topic just answered."""

from __future__ import annotations

import pytest

from helpdesk.chat.follow_ups import (
    about_another_order,
    follow_up,
    topic_answered,
)
from tests.chat.understood import reading


@pytest.mark.parametrize(
    "key, topic",
    [
        ("utter_loyalty_balance_answer", "loyalty_balance"),
        ("utter_loyalty_program_answer", "loyalty_program"),
        ("utter_order_in_transit", "order_status"),
        ("utter_order_cancelled_now", "cancel_order"),
        ("utter_return_policy_answer", "return_policy"),
        ("utter_return_created", "start_return"),
        ("utter_refund_issued", "refund_status"),
        ("utter_payment_answer", "payment_methods"),
        ("utter_referral_code", "loyalty_balance"),
        ("utter_greet", None),
        ("utter_ask_order_number", None),
        (None, None),
    ],
)
def test_each_answer_has_its_topic(key, topic):
    assert topic_answered(key) == topic


def test_a_hesitation_that_includes_the_topic_just_answered_takes_it():
    hesitant = reading(("loyalty_program", 0.41), ("loyalty_balance", 0.36), ("greet", 0.1))
    assert follow_up("utter_loyalty_balance_answer", hesitant) == "/loyalty_balance"


def test_a_hesitation_over_the_rules_after_the_balance_takes_the_programmes_rules():
    hesitant = reading(("order_status", 0.45), ("loyalty_program", 0.4), ("greet", 0.1))
    assert follow_up("utter_referral_code", hesitant) == "/loyalty_program"
    assert follow_up("utter_payment_answer", hesitant) is None


def test_after_a_fallback_the_best_few_guesses_count_and_entities_go_along():
    fell_back = reading(
        ("nlu_fallback", 0.8),
        ("stop", 0.15),
        ("payment_methods", 0.12),
        ("greet", 0.1),
        entities={"country": "brasil"},
    )
    assert follow_up("utter_payment_answer", fell_back) == '/payment_methods{"country": "brasil"}'


@pytest.mark.parametrize(
    "answered, understood",
    [
        # Sure of another topic: the shopper changed the subject.
        ("utter_payment_answer", reading(("order_status", 0.9), ("payment_methods", 0.05))),
        # Hesitating, but not about the topic just answered.
        ("utter_payment_answer", reading(("order_status", 0.4), ("refund_status", 0.35))),
        # Already read as that topic: nothing to change.
        ("utter_payment_answer", reading(("payment_methods", 0.5), ("shipping_info", 0.45))),
        # No topic was answered.
        ("utter_greet", reading(("nlu_fallback", 0.8), ("payment_methods", 0.1))),
    ],
)
def test_otherwise_the_words_go_as_written(answered, understood):
    assert follow_up(answered, understood) is None


@pytest.mark.parametrize(
    "answered, read, values, payload",
    [
        # "and 10006?" after a refund answer: the refund of 10006
        (
            "utter_refund_issued",
            reading(("inform", 0.99), entities={"order_number": "10006"}),
            {},
            '/refund_status{"order_number": "10006"}',
        ),
        # "那10006呢": the number is found beside the words, which the NLU cannot tag
        (
            "utter_order_in_transit",
            reading(("inform", 0.99)),
            {"order_number": "10006"},
            '/order_status{"order_number": "10006"}',
        ),
        # after a policy answer a number is no order question
        ("utter_shipping_answer", reading(("inform", 0.99)), {"order_number": "10006"}, None),
        # a question of its own about another order goes as the shopper asked it
        (
            "utter_refund_issued",
            reading(("order_status", 0.9), entities={"order_number": "10006"}),
            {},
            None,
        ),
    ],
)
def test_just_another_order_number_asks_the_same_about_that_order(answered, read, values, payload):
    assert about_another_order(answered, read, values) == payload
