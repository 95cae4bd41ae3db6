"""A Chinese shopper: translated for the bot by the real zh->en model, answered in Chinese."""

from __future__ import annotations

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
