"""The bot's side of the chat path: shoppers never reach Rasa's internal intents, a message the bot
keeps failing on stops waiting, one broken conversation delays nobody else, and a hung bot holds
no database connection."""

from __future__ import annotations

import asyncio
import time

import pytest

from helpdesk.app import create_app
from helpdesk.chat.relay import MAX_BOT_FAILURES
from helpdesk.rasa.client import BotMessage
from helpdesk.rasa.monitor import BOT_MONITOR
from tests.conftest import open_session


async def test_shoppers_never_reach_rasas_internal_intents(shopper, fake_bot):
    for text in ["/restart", "/session_start", "/back", "/action_restart", "/ restart"]:
        await shopper.say(text)
    assert fake_bot.texts() == ["restart", "session_start", "back", "action_restart", "restart"]


async def test_made_up_entities_in_a_payload_reach_the_bot_as_words(shopper, fake_bot):
    await shopper.say('/order_status{"order_number": "20001", "email": " "}')
    assert fake_bot.texts() == ['order_status{"order_number": "20001", "email": " "}']


async def test_the_bots_own_intents_and_offered_buttons_pass_as_payloads(shopper, fake_bot):
    answer = await shopper.say("hi")  # the greeting offers buttons
    offered = [button["payload"] for button in answer["messages"][0]["buttons"]]
    await shopper.say(offered[0])
    await shopper.say("/order_status")
    assert fake_bot.texts() == ["hi", offered[0], "/order_status"]


async def test_a_message_the_bot_keeps_failing_on_is_answered_and_waits_no_more(
    aiohttp_client, settings, fake_bot, detector, translator, clock
):
    app = create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    shopper = await open_session(await aiohttp_client(app))
    fake_bot.failing.add("what about this")
    first = await shopper.say("what about this")
    assert [m["kind"] for m in first["messages"]] == ["notice"]  # "briefly unavailable"
    for _ in range(MAX_BOT_FAILURES):
        await app[BOT_MONITOR].check()
    transcript = await shopper.transcript()
    assert "something went wrong" in transcript[-1]["text"]
    assert fake_bot.texts().count("what about this") == MAX_BOT_FAILURES
    answer = await shopper.say("hi")
    assert answer["messages"][0]["text"].startswith("Hi! I'm the Atelier Nord assistant")


async def test_one_broken_conversation_delays_nobody_else_after_an_outage(
    aiohttp_client, settings, fake_bot, detector, translator, clock
):
    app = create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    client = await aiohttp_client(app)
    fake_bot.failing.add("/restart")
    broken = await open_session(client)
    others = [await open_session(client) for _ in range(6)]
    fake_bot.up = False
    await broken.say("hi")
    await broken.say("/restart")  # reached Rasa's restart before; still must not block anyone
    await broken.say("where is my order?")
    for other in others:
        await other.say("where is my order?")
    fake_bot.up = True
    await app[BOT_MONITOR].check()
    for other in others:
        assert [m["from"] for m in await other.transcript()][-1] == "bot"
    # The broken one got its first message answered; what follows the failure waits its turn.
    transcript = await broken.transcript()
    hi = next(m["id"] for m in transcript if m["text"] == "hi")
    assert any(m["from"] == "bot" and m["reply_to"] == hi for m in transcript)


async def test_a_hung_bot_holds_no_database_connection_on_postgresql(
    postgres_url, aiohttp_client, settings, fake_bot, detector, translator, clock
):
    settings.database_url, settings.behind_proxy = postgres_url, True
    settings.database_pool_size, settings.bot_timeout_seconds = 4, 3
    app = create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    client = await aiohttp_client(app)
    shoppers = [await open_session(client, address=f"127.0.1.{n}") for n in range(24)]
    fake_bot.hung = True
    turns = [asyncio.create_task(shopper.say("hi")) for shopper in shoppers]
    await asyncio.sleep(0.5)  # every turn is now waiting for the bot
    for _ in range(3):
        started = time.monotonic()
        health = await client.get("/healthz")
        took = time.monotonic() - started
        assert health.status == 200 and took < 1.0, (health.status, took)
    answers = await asyncio.gather(*turns)  # each gets the notice when its wait runs out
    assert all(a["messages"][0]["kind"] == "notice" for a in answers)
    fake_bot.release.set()


OFFER = [BotMessage(key="utter_offer_human")]  # "Would you like me to pass you to someone?"


@pytest.mark.parametrize(
    "reply", ["si grazie", "yes. a real human, now", "sim, quero que alguem veja isso"]
)
async def test_a_yes_to_an_offer_of_a_person_is_taken_as_yes_in_any_words(shopper, fake_bot, reply):
    fake_bot.script["mmh no idea"] = OFFER
    fake_bot.script["/human_handoff"] = [
        BotMessage(key="utter_handoff"),
        BotMessage(escalate={"reason": "human_handoff"}),
    ]
    fake_bot.understood[reply] = ("affirm", 0.93)
    await shopper.say("mmh no idea")
    answer = await shopper.say(reply)
    assert answer["state"] == "queued"
    assert fake_bot.texts() == ["mmh no idea", "/human_handoff"]


async def test_a_no_that_goes_on_with_a_question_is_the_question(shopper, fake_bot):
    fake_bot.script["mmh no idea"] = OFFER
    question = "no, but where is my refund?"
    fake_bot.understood.update({question: ("refund_status", 0.8), "no": ("deny", 0.95)})
    await shopper.say("mmh no idea")
    await shopper.say(question)
    assert fake_bot.texts() == ["mmh no idea", question]


async def test_a_no_to_an_offer_is_the_offers_no_and_other_words_go_as_written(shopper, fake_bot):
    fake_bot.script["mmh no idea"] = OFFER
    fake_bot.understood.update(
        {"nein danke": ("deny", 0.88), "where is my order?": ("order_status", 0.9)}
    )
    await shopper.say("mmh no idea")
    await shopper.say("nein danke")
    await shopper.say("mmh no idea")
    await shopper.say("where is my order?")
    await shopper.say("where is my order?")  # no offer before this one: not even asked
    assert fake_bot.texts() == [
        "mmh no idea",
        "/deny",
        "mmh no idea",
        "where is my order?",
        "where is my order?",
    ]
    # After the offer the words are read (a sure question of its own is no answer); with no
    # offer before it, a message is not even read.
    assert fake_bot.understood_calls[0] == "nein danke"
    assert fake_bot.understood_calls.count("where is my order?") == 1


async def test_an_offer_stands_after_the_bot_says_it_is_a_bot(shopper, fake_bot):
    fake_bot.script["mmh no idea"] = OFFER
    fake_bot.script["are you a real person?"] = [BotMessage(key="utter_iamabot")]
    fake_bot.script["/human_handoff"] = [
        BotMessage(key="utter_handoff"),
        BotMessage(escalate={"reason": "human_handoff"}),
    ]
    fake_bot.understood["ok then yes thanks"] = ("affirm", 0.9)
    await shopper.say("mmh no idea")
    await shopper.say("are you a real person?")
    answer = await shopper.say("ok then yes thanks")
    assert answer["state"] == "queued"
    assert fake_bot.texts()[-1] == "/human_handoff"


TWO_QUESTIONS = "how many points do i have rn? oh and can i use klarna to pay next time"
PAYMENTS = BotMessage(
    key="utter_payment_answer",
    variables={
        "country": "GB",
        "currency": "GBP",
        "methods": ["PayPal", "Apple Pay"],
        "instalments_key": "instalments_none",
    },
)
BALANCE = BotMessage(
    key="utter_loyalty_balance_answer",
    variables={
        "balance": 2490,
        "tier": "Silver",
        "next_key": "loyalty_top_tier",
        "redeem_key": "",
        "expiry_keys": [],
    },
)


@pytest.fixture
def two_questions(fake_bot):
    fake_bot.understood.update(
        {
            "how many points do i have rn": ("loyalty_balance", 0.9),
            "oh and can i use klarna to pay next time": ("payment_methods", 0.9),
        }
    )


async def test_a_message_with_two_questions_gets_both_answers(shopper, fake_bot, two_questions):
    fake_bot.script.update({"/payment_methods": [PAYMENTS], "/loyalty_balance": [BALANCE]})
    answer = await shopper.say(TWO_QUESTIONS)
    assert fake_bot.texts() == ["/payment_methods", "/loyalty_balance"]
    payments, balance = (message["text"] for message in answer["messages"])
    assert "PayPal" in payments and "2,490 points" in balance


async def test_the_questions_after_one_the_bot_asks_back_about_wait(
    shopper, fake_bot, two_questions
):
    fake_bot.script["/payment_methods"] = [BotMessage(key="utter_ask_country", variables={})]
    answer = await shopper.say(TWO_QUESTIONS)
    assert fake_bot.texts() == ["/payment_methods"]
    [asked] = answer["messages"]
    assert "Which country are you in?" in asked["text"]
