"""In words written without spaces the helpdesk finds the values the bot's tokenizer can't."""

from __future__ import annotations

import json

import pytest

from helpdesk.chat.reading import as_the_bot_reads
from helpdesk.chat.unspaced import values_without_spaces
from tests.support.fakes import scripted_nlu


@pytest.mark.parametrize(
    "text, values",
    [
        ("帮我查一下订单10006", {"order_number": "10006"}),
        ("邮箱li.wei@example.com", {"email": "li.wei@example.com"}),
        ("我在中国", {"country": "中国"}),
        ("你们发货到canada吗？大概几天能到", {"country": "canada"}),
        ("注文番号10018、日本に住んでいます", {"order_number": "10018", "country": "日本"}),
        ("在吗", {}),
        ("where is my order 10006", {}),  # spaced words: the bot's own tokenizer finds it
    ],
)
def test_values_are_found_inside_unspaced_words(text, values):
    assert values_without_spaces(text) == values


READS = {
    "在吗？我的订单10008到哪了": "greet",
    "在吗": "greet",
    "我的订单10008到哪了": "order_status",
    "li.wei@example.com": "nlu_fallback",
}


understand = scripted_nlu(READS)


def payload(read: str) -> tuple[str, dict]:
    intent, _, entities = read.partition("{")
    return intent, json.loads("{" + entities)


async def test_the_bot_gets_the_question_with_the_values_found():
    read = await as_the_bot_reads("在吗？我的订单10008到哪了", understand)
    assert payload(read) == ("/order_status", {"order_number": "10008"})


async def test_values_alone_are_information():
    read = await as_the_bot_reads("邮箱是li.wei@example.com", understand)
    assert payload(read) == ("/inform", {"email": "li.wei@example.com"})
