"""The trust rules with the real Rasa server: a blank proof opens nothing, Rasa's doors take only
Rasa, shoppers never reach Rasa's internal intents, and after an outage and a helpdesk restart a
broken conversation delays nobody else."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import pytest

from helpdesk.database import DB
from helpdesk.orders.models import Order, Shipment
from helpdesk.web.keys import CLOCK
from tests.conftest import RasaCalls, open_session
from tests.e2e.test_chat_with_rasa import text_of
from tests.rasa.test_actions_api import action_call

pytestmark = pytest.mark.rasa
TRACKING = "HK0000000001"


async def add_order_without_email_or_postal_code(helpdesk) -> None:
    """As Shopify sends many Hong Kong and UAE orders: no email, no zip."""
    now = helpdesk.app[CLOCK].now()
    async with helpdesk.app[DB].session() as session:
        order = Order(
            number="20001",
            email="",
            postal_code="",
            country="HK",
            currency="HKD",
            total=Decimal("499.00"),
            placed_at=now,
            status="shipped",
        )
        session.add(order)
        await session.flush()
        session.add(
            Shipment(
                order_id=order.id, carrier="dhl", tracking_number=TRACKING, shipped_on=now.date()
            )
        )
        await session.commit()


async def test_a_blank_email_or_postal_code_opens_nothing(helpdesk):
    await add_order_without_email_or_postal_code(helpdesk)
    attempts = [
        ['/order_status{"order_number": "20001", "email": " "}'],
        ['/order_status{"order_number": "20001", "postal_code": ""}'],
        ["where is order 20001", "   -  "],
        ['/cancel_order{"order_number": "20001", "email": " "}'],
        ['/start_return{"order_number": "20001", "postal_code": " "}'],
    ]
    for turns in attempts:
        shopper = await open_session(helpdesk, locale="en")
        for text in turns:
            answer = await shopper.say(text)
            said = " ".join(m["text"] for m in answer["messages"])
            assert TRACKING not in said and "DHL" not in said, (turns, said)
        transcript = " ".join(m["text"] for m in await shopper.transcript())
        assert TRACKING not in transcript


async def test_rasa_calls_back_only_through_its_private_door(helpdesk, rasa):
    shopper = await open_session(helpdesk, locale="en")
    answer = await shopper.say("where is my order?")  # an action, run through the private door
    assert answer["messages"][0]["text"] == text_of("utter_ask_order_number")
    call = action_call("action_loyalty_balance")
    call["sender_id"] = call["tracker"]["sender_id"] = shopper.session_id
    assert (await helpdesk.post("/webhook", json=call)).status == 404
    assert (await helpdesk.post("/nlg", json={"response": "utter_greet"})).status == 404
    status, _ = await RasaCalls(helpdesk.app, token="guess").post("/webhook", call)
    assert status == 401


def test_rasas_token_is_not_on_its_command_line(rasa):
    """The test token starts with '-', which once made `rasa run` exit at every start."""
    assert rasa.token.startswith("-")
    command_line = Path(f"/proc/{rasa.process.pid}/cmdline").read_bytes().decode()
    assert rasa.token not in command_line and rasa.callbacks_token not in command_line


async def test_typing_rasas_internal_intents_breaks_nothing(helpdesk):
    shopper = await open_session(helpdesk, locale="en")
    for text in ["/restart", "/session_start", "/action_restart", '/greet{"x": [' * 20 + "]}"]:
        answer = await shopper.say(text)
        assert answer["messages"], text  # answered, not an empty reply
    answer = await shopper.say("hi")
    assert [m["text"] for m in answer["messages"]] == [text_of("utter_greet")]


async def test_after_an_outage_and_a_restart_a_broken_conversation_delays_nobody(
    helpdesk_factory, rasa
):
    first = await helpdesk_factory()
    os.killpg(rasa.process.pid, signal.SIGKILL)
    rasa.process.process.wait()
    broken = await open_session(first, locale="en")
    for text in ["/restart", "/session_start", '/order_status{"email": " "}', "where is my order?"]:
        await broken.say(text)
    others = [await open_session(first, locale="en") for _ in range(8)]
    for other in others:
        notice = await other.say("where is my order?")
        assert notice["messages"][0]["text"] == text_of("notice_bot_unavailable")
    await first.close()  # the helpdesk restarts while Rasa is away

    second = await helpdesk_factory(wait_for_bot=False)
    for shopper in [broken, *others]:
        shopper.client = second
    await rasa.wait_ready()
    back = time.monotonic()
    waiting = list(others)
    while waiting and time.monotonic() - back < 60:
        await asyncio.sleep(1)
        waiting = [o for o in waiting if (await o.transcript())[-1]["from"] != "bot"]
    assert not waiting, f"{len(waiting)} of {len(others)} not answered within 60 s of Rasa's return"
    assert (await broken.transcript())[-1]["from"] == "bot"
