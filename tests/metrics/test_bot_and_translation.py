"""The bot's and the translator's figures: reply times by outcome, the bot's state as the health
watcher sees it, translations timed once and then found in the cache."""

from __future__ import annotations

import pytest

from helpdesk.metrics.bot import TimedBot
from helpdesk.metrics.instruments import Metrics
from helpdesk.rasa.client import BotFailed, BotMessage, BotUnavailable
from helpdesk.rasa.monitor import BOT_MONITOR
from tests.conftest import open_session
from tests.metrics.scraping import moved, scrape, value
from tests.support.fakes import FakeBot


async def test_a_message_the_bot_fails_on_is_timed_as_failed(client, fake_bot):
    client.app[BOT_MONITOR].on_ready.clear()  # the health watcher retries nothing mid-test
    shopper = await open_session(client, "en")
    fake_bot.failing.add("hi")
    before = await scrape(client)
    await shopper.say("hi")
    after = await scrape(client)
    assert moved(before, after, "helpdesk_bot_reply_seconds_count", outcome="failed") == 1
    assert moved(before, after, "helpdesk_bot_reply_seconds_count", outcome="answered") == 0
    assert moved(before, after, "helpdesk_messages_received_total") == 1  # stored all the same
    assert moved(before, after, "helpdesk_messages_sent_total", sender="system") == 1  # told so


async def test_each_outcome_of_a_call_to_the_bot_is_timed_under_its_name():
    metrics, bot = Metrics(), FakeBot({"hi": [BotMessage(key="utter_greet")]})
    timed = TimedBot(bot, metrics.bot_reply_seconds)
    bot.failing.add("boom")
    assert await timed.send("c1", "hi", {}) == [BotMessage(key="utter_greet")]
    with pytest.raises(BotFailed):
        await timed.send("c1", "boom", {})
    bot.up = False
    with pytest.raises(BotUnavailable):
        await timed.send("c1", "hi", {})
    for outcome in ("answered", "failed", "unavailable"):
        count = metrics.registry.get_sample_value(
            "helpdesk_bot_reply_seconds_count", {"outcome": outcome}
        )
        assert count == 1, outcome


async def test_the_bot_state_follows_the_health_watcher(client, fake_bot):
    monitor = client.app[BOT_MONITOR]
    await monitor.check()
    up = await scrape(client)
    assert value(up, "helpdesk_bot_up") == 1
    assert value(up, "helpdesk_bot_state", state="ready") == 1
    assert value(up, "helpdesk_bot_state", state="down") == 0

    fake_bot.up = False
    await monitor.check()
    down = await scrape(client)
    assert value(down, "helpdesk_bot_up") == 0
    assert value(down, "helpdesk_bot_state", state="down") == 1


async def test_a_translation_is_timed_once_then_found_in_the_cache(client):
    before = await scrape(client)
    for _ in range(2):  # two shoppers, the same words: translated for the bot once
        shopper = await open_session(client, "zh")
        await shopper.say("我的订单在哪里？")
    after = await scrape(client)
    assert moved(before, after, "helpdesk_translation_cache_total", result="miss") == 1
    assert moved(before, after, "helpdesk_translation_cache_total", result="hit") == 1
    assert moved(before, after, "helpdesk_translation_seconds_count") == 1
