"""Shoppers in languages without native NLU data: translated for the bot, answered in their
language from human texts where they exist, machine-translated otherwise, told when neither."""

from __future__ import annotations

from helpdesk.app import NLU_DIR, create_app
from helpdesk.languages.detection import LanguageDetector
from helpdesk.languages.translation import Translator
from tests.conftest import open_session
from tests.support.fakes import FakeEngine


async def test_a_chinese_shopper_is_translated_for_the_bot_and_answered_in_chinese(
    shopper, fake_bot
):
    answer = await shopper.say("我的订单在哪里？")
    assert fake_bot.texts() == ["Where's my order?"]  # the bot read English
    [reply] = answer["messages"]
    assert reply["lang"] == "zh" and "订单" in reply["text"]  # the human text of locales/zh.yml
    [stored, _] = await shopper.transcript()
    assert stored["text"] == "我的订单在哪里？" and stored["lang"] == "zh"


async def test_a_reply_without_a_human_text_is_machine_translated(
    clock, aiohttp_client, settings, fake_bot
):
    settings.shop_languages = "en,es,ja"
    settings.nlu_languages = "en,es"
    detector = LanguageDetector.from_training_data(settings.languages, NLU_DIR)
    engine = FakeEngine(
        {("ja", "en"): {"注文はどこですか": "where is my order?"}, ("en", "ja"): {}}
    )
    client = await aiohttp_client(
        create_app(
            settings, bot=fake_bot, detector=detector, translator=Translator(engine), clock=clock
        )
    )
    shopper = await open_session(client, locale="ja")
    [reply] = (await shopper.say("注文はどこですか"))["messages"]
    assert reply["lang"] == "ja" and reply["text"].startswith("[ja] I can check that for you.")


async def test_no_package_at_all_keeps_native_languages_working_and_says_so(
    aiohttp_client, settings, fake_bot, detector, clock
):
    client = await aiohttp_client(
        create_app(
            settings, bot=fake_bot, detector=detector, translator=Translator(None), clock=clock
        )
    )
    spanish = await open_session(client, locale="es")
    [greeting] = (await spanish.say("hola"))["messages"]
    assert greeting["lang"] == "es" and greeting["from"] == "bot"

    chinese = await open_session(client)
    answer = (await chinese.say("我的订单在哪里？"))["messages"]
    # The original goes through, its full-width "？" read as the "?" it shows.
    assert fake_bot.texts()[-1] == "我的订单在哪里?"
    assert answer[0]["lang"] == "zh"  # still a human Chinese text where one exists
    again = (await chinese.say("你好吗，我的订单呢"))["messages"]
    assert all(m["from"] != "system" for m in again)  # any notice is said once, not every time
