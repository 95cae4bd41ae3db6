"""Nothing is lost when the bot is down, and the bot is silent once a person is asked for."""

from __future__ import annotations

from helpdesk.app import create_app
from helpdesk.rasa.monitor import BOT_MONITOR
from tests.conftest import open_session


async def test_bot_down_the_message_is_kept_and_the_shopper_told(shopper, fake_bot):
    fake_bot.up = False
    answer = await shopper.say("where is my order?")
    [notice] = answer["messages"]
    assert notice["from"] == "system"
    assert "briefly unavailable" in notice["text"] and "saved" in notice["text"]
    assert [m["text"] for m in await shopper.transcript()][0] == "where is my order?"


async def test_messages_written_during_an_outage_are_answered_in_order_when_it_returns(
    aiohttp_client, settings, fake_bot, detector, clock
):
    app = create_app(settings, bot=fake_bot, detector=detector, clock=clock)
    client = await aiohttp_client(app)
    shopper = await open_session(client)
    fake_bot.up = False
    await shopper.say("hi")
    await shopper.say("where is my order?")
    fake_bot.up = True
    await app[BOT_MONITOR].check()  # first check: "starting" -> "ready" wakes the relay
    assert fake_bot.texts() == ["hi", "where is my order?"]
    senders = [m["from"] for m in await shopper.transcript()]
    assert senders == ["shopper", "system", "shopper", "system", "bot", "bot"]


async def test_a_retry_during_an_outage_does_not_repeat_the_notice(shopper, fake_bot):
    fake_bot.up = False
    first = await shopper.say("hi", "8b0c6c1e-64a8-4a47-9d0b-6f4b0b8e6a10")
    again = await shopper.say("hi", "8b0c6c1e-64a8-4a47-9d0b-6f4b0b8e6a10")
    assert first == again and len(first["messages"]) == 1


async def test_after_a_handoff_the_bot_is_silent(shopper, fake_bot):
    answer = await shopper.say("a person please")
    assert answer["state"] == "queued"
    assert "passing you to a colleague" in answer["messages"][0]["text"]
    later = await shopper.say("hello? anyone?")
    assert later == {"messages": [], "state": "queued", "state_version": 1}
    assert fake_bot.texts() == ["a person please"]
    assert (await shopper.transcript())[-1]["text"] == "hello? anyone?"
