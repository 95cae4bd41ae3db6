"""One or two words that name a topic get that topic, never "out of scope"."""

from __future__ import annotations

import pytest

from helpdesk.chat.few_words import topic_named
from tests.chat.understood import reading


def test_a_topic_behind_out_of_scope_is_what_few_words_name():
    read = reading(("out_of_scope", 0.45), ("greet", 0.3), ("order_status", 0.22))
    assert topic_named(read, "tracking??") == "/order_status"


@pytest.mark.parametrize(
    "read, text",
    [
        (reading(("out_of_scope", 0.8), ("order_status", 0.05)), "lol"),  # names nothing
        (reading(("out_of_scope", 0.45), ("order_status", 0.4)), "what is the weather like"),
        (reading(("refund_status", 0.6), ("out_of_scope", 0.3)), "refund?"),  # read already
    ],
)
def test_otherwise_the_words_go_as_written(read, text):
    assert topic_named(read, text) is None
