"""A message that names its order is about that order."""

from __future__ import annotations

import pytest

from helpdesk.chat.named_orders import naming_an_order
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
    ],
)
def test_an_order_question_names_its_order(text, read, payload):
    assert naming_an_order(read, text) == payload
