"""A Chinese shopper: translated for the bot by the real zh->en model, answered in Chinese."""

from __future__ import annotations

import aiohttp
import pytest

from helpdesk.languages.locales import Locales
from helpdesk.settings import PROJECT_ROOT
from tests.conftest import open_session

pytestmark = [pytest.mark.rasa, pytest.mark.models]
LOCALES = Locales.load(PROJECT_ROOT / "locales")


@pytest.fixture
async def helpdesk_with_chinese(helpdesk_factory, real_translator):
    return await helpdesk_factory(translator=real_translator)


async def test_where_is_my_order_in_chinese_gets_the_order_flow_in_chinese(helpdesk_with_chinese):
    shopper = await open_session(helpdesk_with_chinese)
    [reply] = (await shopper.say("我的订单在哪里？"))["messages"]
    assert reply["lang"] == "zh"
    assert reply["text"] == LOCALES.render("utter_ask_order_number", "zh").text
    [question, _] = await shopper.transcript()
    assert question["text"] == "我的订单在哪里？" and question["lang"] == "zh"


SAMPLE = [  # written for this test: a Chinese shopper's first message, and what it is about
    ("我的订单10006在哪里？", "order_status"),
    ("我想取消订单", "cancel_order"),
    ("你们支持哪些付款方式？", "payment_methods"),
    ("我的积分还有多少？", "loyalty_balance"),
    ("我要退货", "start_return"),
    ("我的退款什么时候到账？", "refund_status"),
    ("你好", "greet"),
    ("你好，我的订单10006到哪了？谢谢", "order_status"),  # a question wrapped in thanks
    ("今天天气怎么样？", "out_of_scope"),
]


async def test_the_eval_command_reads_chinese_exactly_as_the_chat_does(
    helpdesk_with_chinese, rasa, real_translator, detector
):
    """The figure `python -m helpdesk eval` prints for Chinese is what Chinese shoppers get: the
    same detection and translation, so the same intent for every sentence of a sample."""
    from helpdesk.rasa.client import RasaBot
    from helpdesk.rasa.evaluation import Row, as_production_prepares, score
    from helpdesk.settings import Settings

    async with aiohttp.ClientSession() as http:
        bot = RasaBot(rasa.url, rasa.token, timeout=60, http=http)

        async def classify(text: str) -> tuple[str, float]:
            understood = await bot.understand(text)
            return understood.intent, understood.confidence

        prepare = as_production_prepares(
            detector, real_translator, Settings().native_languages, bot.understand
        )
        rows = [Row(text, label, "zh") for text, label in SAMPLE]
        evaluated = await score(rows, classify, prepare)
    through_the_chat = []
    for text, _ in SAMPLE:
        shopper = await open_session(helpdesk_with_chinese)
        await shopper.say(text)
        events = await rasa.tracker_events(shopper.session_id)
        [user] = [e for e in events if e["event"] == "user"]
        assert user["text"] == next(s.read for s in evaluated if s.row.text == text)
        through_the_chat.append(user["parse_data"]["intent"]["name"])
    assert [s.predicted for s in evaluated] == [
        {"nlu_fallback": "out_of_scope"}.get(intent, intent) for intent in through_the_chat
    ]
    assert all(s.detected_lang == "zh" for s in evaluated)
