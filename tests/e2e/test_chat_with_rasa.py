"""Conversations through the chat API, answered by the trained model on the real Rasa server."""

from __future__ import annotations

import os
import signal

import pytest

from helpdesk.languages.locales import Locales
from helpdesk.settings import PROJECT_ROOT
from tests.conftest import open_session

pytestmark = pytest.mark.rasa
ENGLISH = Locales.load(PROJECT_ROOT / "locales")


def text_of(key: str, **variables) -> str:
    return ENGLISH.render(key, "en", variables).text


async def test_hi_gets_a_greeting(helpdesk):
    shopper = await open_session(helpdesk, locale="en")
    answer = await shopper.say("hi")
    assert answer["state"] == "bot"
    assert [m["text"] for m in answer["messages"]] == [text_of("utter_greet")]
    assert answer["messages"][0]["buttons"]


async def test_where_is_my_order_is_answered_by_the_order_action(helpdesk, rasa):
    shopper = await open_session(helpdesk, locale="en")
    answer = await shopper.say("where is my order?")
    assert [m["text"] for m in answer["messages"]] == [text_of("utter_ask_order_number")]
    actions = [
        e["name"] for e in await rasa.tracker_events(shopper.session_id) if e["event"] == "action"
    ]
    assert "action_order_status" in actions


async def test_the_order_number_is_remembered_across_turns(helpdesk):
    shopper = await open_session(helpdesk, locale="en")
    await shopper.say("where's my parcel")
    answer = await shopper.say("it's #10045")
    assert [m["text"] for m in answer["messages"]] == [
        text_of("utter_ask_verification", order_number="10045")
    ]


async def test_asking_for_a_person_hands_over_and_the_bot_goes_silent(helpdesk):
    shopper = await open_session(helpdesk, locale="en")
    answer = await shopper.say("I want to talk to a real person")
    assert answer["state"] == "queued"
    assert answer["messages"][0]["text"] == text_of("utter_handoff")
    assert (await shopper.say("hello?")) == {"messages": [], "state": "queued", "state_version": 1}


async def test_killing_the_bot_loses_nothing_and_it_comes_back_by_itself(helpdesk, rasa):
    shopper = await open_session(helpdesk, locale="en")
    await shopper.say("where is my order")
    await shopper.say("#10231")  # the bot now knows the order number (SQL tracker store)
    os.killpg(rasa.process.pid, signal.SIGKILL)
    rasa.process.process.wait()

    async with await shopper.socket() as socket:
        during = await shopper.say("where is my order?")
        assert [m["from"] for m in during["messages"]] == ["system"]
        assert during["messages"][0]["text"] == text_of("notice_bot_unavailable")
        await rasa.wait_ready()  # supervised: restarted after its back-off, model reloaded
        pushed = []
        while not any(e["type"] == "message" and e["message"]["from"] == "bot" for e in pushed):
            pushed.append(await socket.receive_json(timeout=60))

    answer = next(
        e["message"] for e in pushed if e["type"] == "message" and e["message"]["from"] == "bot"
    )
    assert answer["text"] == text_of("utter_ask_verification", order_number="10231")
    assert rasa.process.restarts >= 1
    senders = [m["from"] for m in await shopper.transcript()]
    assert senders == ["shopper", "bot", "shopper", "bot", "shopper", "system", "bot"]
