"""Before machine translation, what must not change is swapped for placeholders, and put back
after: even when the engine mangles or drops them, the bot reads every value the shopper wrote."""

from __future__ import annotations

import pytest

from helpdesk.languages.protect import protect, restore
from helpdesk.languages.translation import Translator
from tests.support.fakes import FakeEngine


@pytest.mark.parametrize(
    "text, values",
    [
        ("订单10006在哪里？", ("10006",)),
        ("我的邮箱是li.wei@example.com", ("li.wei@example.com",)),
        ("order #1001 please", ("#1001",)),
        ("postcode is sw1a 1aa", ("sw1a", "1aa")),
        ("o cp é 1250-096", ("1250-096",)),
        ("1017 CE", ("1017",)),
        ("refund of €49,90?", ("€49,90",)),
        ("see https://track.example/p?id=1&x=2 now", ("https://track.example/p?id=1&x=2",)),
        ("where is my order?", ()),
    ],
)
def test_what_must_not_change_is_found(text, values):
    assert protect(text).values == values


def test_values_come_back_in_their_places_and_dropped_ones_at_the_end():
    masked = protect("订单10006，邮箱li.wei@example.com")
    assert masked.text == "订单 ZXQ1 ，邮箱 ZXQ2"
    assert (
        restore("Order ZXQ1, mailbox zxq2.", masked) == "Order 10006, mailbox li.wei@example.com."
    )
    assert restore("Where is it?", masked) == "Where is it? 10006 li.wei@example.com"


async def test_the_translator_never_hands_the_engine_a_value():
    engine = FakeEngine({("zh", "en"): {"订单 ZXQ1 在哪里？": "Where is order ZXQ1?"}})
    translated = await Translator(engine).translate("订单10006在哪里？", "zh", "en")
    assert translated.text == "Where is order 10006?"
    assert engine.calls == [("订单 ZXQ1 在哪里？", "zh", "en")]
