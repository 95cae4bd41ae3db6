"""A reply that names one of the buttons just shown chooses it."""

from __future__ import annotations

import pytest

from helpdesk.chat.choices import chosen

ITEMS = [
    {"title": "Slim jeans, dark blue", "payload": '/inform{"product": "JNS-SLM-32"}'},
    {"title": "Chelsea boots", "payload": '/inform{"product": "BOO-CHL-40"}'},
]


@pytest.mark.parametrize(
    "text, payload",
    [
        ("las botas chelsea", '/inform{"product": "BOO-CHL-40"}'),
        ("the JEANS please", '/inform{"product": "JNS-SLM-32"}'),
        ("die Chelsea-Boots", '/inform{"product": "BOO-CHL-40"}'),
        ("both, jeans and chelsea", None),  # two buttons named: no single choice
        ("the blue ones", '/inform{"product": "JNS-SLM-32"}'),
        ("the other one", None),  # no word shared
        ("hmm", None),
    ],
)
def test_the_one_button_named_is_chosen(text, payload):
    assert chosen(ITEMS, text) == payload


def test_one_button_alone_is_no_choice():
    assert chosen(ITEMS[:1], "jeans") is None


def test_a_reply_with_a_number_or_an_email_says_more_than_a_button():
    assert chosen(ITEMS, "the jeans from 10026") is None
    assert chosen(ITEMS, "jeans, ana@example.com") is None


def test_a_menu_of_topics_is_left_to_the_nlu():
    menu = [
        {"title": "Where is my order?", "payload": "/order_status"},
        {"title": "Return an item", "payload": "/start_return"},
    ]
    assert chosen(menu, "return an item please") is None


def test_a_hyphenated_word_counts_written_joined_too():
    shirts = [
        {"title": "Organic cotton T-shirt", "payload": '/inform{"product": "TSH-ORG-M"}'},
        {"title": "Black swimsuit", "payload": '/inform{"product": "SWM-BLK-38"}'},
    ]
    assert chosen(shirts, "the tshirt then") == '/inform{"product": "TSH-ORG-M"}'
