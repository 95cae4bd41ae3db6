"""The event log: what each step of a conversation records, once, in the transaction of the step;
and the rule by which the bot resolves a conversation."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from helpdesk.agents.models import TransferRequest
from helpdesk.agents.queue import AlreadyClaimed
from helpdesk.clock import aware
from helpdesk.insights.events import TurnOutcome, turn_outcome
from helpdesk.rasa.client import parse_rasa_output
from tests.insights.support_scene import SCRIPT, WEDNESDAY, Helpdesk, fresh_database_url
from tests.support.fakes import FakeBot

pytestmark = pytest.mark.usefixtures("quick_password_hashing")


@pytest.fixture
async def helpdesk(aiohttp_client, settings, detector, translator, tmp_path):
    settings.database_url, _ = await fresh_database_url(None, tmp_path)
    bot = FakeBot(SCRIPT)
    return await Helpdesk.started(aiohttp_client, settings, detector, translator, tmp_path, bot)


async def test_a_hand_over_records_each_step_once_and_refers_to_where_it_started(helpdesk):
    helpdesk.at(0, 10, 0)
    shopper = await helpdesk.shopper("was my order cancelled?", "a person please")
    ana, bea = await helpdesk.agent("ana@shop.example"), await helpdesk.agent("bea@shop.example")
    helpdesk.at(0, 10, 4)
    await helpdesk.desk.claim(ana, shopper.session_id)
    helpdesk.at(0, 10, 5)
    await helpdesk.desk.reply(ana, shopper.session_id, "a note for colleagues", internal=True)
    helpdesk.at(0, 10, 6)
    await helpdesk.desk.reply(ana, shopper.session_id, "Let me look.", internal=False)
    await helpdesk.desk.reply(ana, shopper.session_id, "Found it.", internal=False)
    helpdesk.at(0, 10, 8)
    await helpdesk.desk.transfer(ana, shopper.session_id, TransferRequest(agent_id=bea.id))
    helpdesk.at(0, 10, 30)
    await helpdesk.desk.resolve(bea, shopper.session_id)
    helpdesk.at(0, 11, 0)
    await shopper.say("hello there")
    assert (await helpdesk.rate(shopper, 4)).status == 200

    events = await helpdesk.events(shopper.session_id)
    by_kind = {event.kind: event for event in events}
    assert [event.kind for event in events] == [
        "opened",
        "bot_turn",
        "escalated",
        "queued",
        "bot_turn",
        "claimed",
        "first_agent_reply",
        "transferred",
        "resolved",
        "reopened",
        "bot_turn",
        "rated",
    ]
    first_turn, handover_turn = [event for event in events if event.kind == "bot_turn"][:2]
    assert (first_turn.intent, first_turn.confidence, first_turn.outcome) == (
        "order_status",
        0.91,
        TurnOutcome.ANSWER,
    )
    assert (handover_turn.intent, handover_turn.outcome) == ("human_handoff", TurnOutcome.HANDOVER)
    assert by_kind["escalated"].reason == "human_handoff" and by_kind["queued"].team == "eu"
    claimed, replied = by_kind["claimed"], by_kind["first_agent_reply"]
    assert (claimed.agent_id, claimed.team, claimed.refers_to) == (
        ana.id,
        "eu",
        by_kind["queued"].id,
    )
    assert (replied.agent_id, replied.refers_to) == (ana.id, by_kind["escalated"].id)
    assert aware(replied.at) == WEDNESDAY + timedelta(hours=10, minutes=6)
    assert by_kind["transferred"].agent_id == bea.id
    resolved = by_kind["resolved"]
    assert (resolved.outcome, resolved.agent_id, resolved.refers_to) == (
        "agent",
        bea.id,
        by_kind["escalated"].id,
    )
    assert by_kind["reopened"].refers_to == resolved.id
    assert (by_kind["rated"].rating, by_kind["rated"].refers_to) == (4, resolved.id)
    assert {event.lang for event in events} == {"en"}


async def test_a_transfer_to_a_team_is_a_new_wait_in_its_queue(helpdesk):
    shopper = await helpdesk.shopper("a person please")
    ana, bea = await helpdesk.agent("ana@shop.example"), await helpdesk.agent("bea@shop.example")
    await helpdesk.desk.claim(ana, shopper.session_id)
    await helpdesk.desk.transfer(ana, shopper.session_id, TransferRequest(team="eu"))
    await helpdesk.desk.claim(bea, shopper.session_id)
    events = await helpdesk.events(shopper.session_id)
    waits = [event for event in events if event.kind == "queued"]
    claims = [event for event in events if event.kind == "claimed"]
    assert [event.kind for event in events][-4:] == ["claimed", "transferred", "queued", "claimed"]
    assert [claim.refers_to for claim in claims] == [wait.id for wait in waits]
    assert claims[1].agent_id == bea.id


async def test_of_two_agents_claiming_at_once_one_claim_is_recorded(helpdesk):
    shopper = await helpdesk.shopper("a person please")
    ana, bea = await helpdesk.agent("ana@shop.example"), await helpdesk.agent("bea@shop.example")
    outcomes = await asyncio.gather(
        helpdesk.desk.claim(ana, shopper.session_id),
        helpdesk.desk.claim(bea, shopper.session_id),
        return_exceptions=True,
    )
    assert sum(isinstance(outcome, AlreadyClaimed) for outcome in outcomes) == 1
    assert (await helpdesk.kinds(shopper.session_id)).count("claimed") == 1


async def test_a_fallback_turn_is_also_a_fallback_event(helpdesk):
    shopper = await helpdesk.shopper("purple monkey dishwasher")
    events = await helpdesk.events(shopper.session_id)
    assert [event.kind for event in events] == ["opened", "bot_turn", "fallback"]
    assert (events[1].intent, events[1].outcome) == ("nlu_fallback", TurnOutcome.FALLBACK)


async def test_a_retried_message_reopens_once(helpdesk):
    shopper = await helpdesk.shopper("was my order cancelled?")
    helpdesk.at(0, 12)
    assert await helpdesk.sweep() == 1
    message_id = str(uuid.uuid4())
    await shopper.say("do I have a rewards account?", message_id)
    await shopper.say("do I have a rewards account?", message_id)
    assert (await helpdesk.kinds(shopper.session_id)).count("reopened") == 1


@pytest.mark.parametrize(
    ("intent", "keys", "handed_over", "outcome"),
    [
        ("order_status", ["utter_order_in_transit"], False, TurnOutcome.ANSWER),
        ("order_status", ["utter_ask_order_number"], False, TurnOutcome.QUESTION),
        ("greet", ["utter_greet"], False, TurnOutcome.QUESTION),
        ("nlu_fallback", ["utter_ask_rephrase"], False, TurnOutcome.FALLBACK),
        ("shipping_info", ["utter_ask_affirmation"], False, TurnOutcome.FALLBACK),
        ("out_of_scope", ["utter_out_of_scope"], False, TurnOutcome.NO_ANSWER),
        (None, [], False, TurnOutcome.NO_ANSWER),
        ("complaint", ["utter_complaint"], True, TurnOutcome.HANDOVER),
    ],
)
def test_a_turn_is_judged_by_what_the_bot_left_the_shopper_with(intent, keys, handed_over, outcome):
    assert turn_outcome(intent, keys, handed_over) == outcome


async def test_rasas_reading_travels_with_each_response_through_the_nlg_endpoint(rasa_calls):
    tracker = {
        "slots": {},
        "latest_message": {"intent": {"name": "order_status", "confidence": 0.87}},
    }
    status, body = await rasa_calls.post("/nlg", {"response": "utter_greet", "tracker": tracker})
    assert status == 200
    assert body["custom"]["understood"] == {"intent": "order_status", "confidence": 0.87}
    [said] = parse_rasa_output([body])
    assert (said.key, said.intent, said.confidence) == ("utter_greet", "order_status", 0.87)


# --- the bot's resolutions ----------------------------------------------------------------------


async def test_an_answer_followed_by_an_hours_quiet_is_resolved_by_the_bot_once(helpdesk):
    helpdesk.at(0, 10)
    answered = await helpdesk.shopper("was my order cancelled?")
    asked = await helpdesk.shopper("where is my parcel?")  # a question waits for the shopper
    missed = await helpdesk.shopper("purple monkey dishwasher")
    handed = await helpdesk.shopper("a person please")
    helpdesk.at(0, 10, 59)
    assert await helpdesk.sweep() == 0  # not quiet for an hour yet
    helpdesk.at(0, 11, 0)
    assert await helpdesk.sweep() == 1
    assert await helpdesk.sweep() == 0
    assert (await helpdesk.kinds(answered.session_id))[-1] == "resolved"
    resolution = (await helpdesk.events(answered.session_id))[-1]
    assert (resolution.outcome, resolution.agent_id) == ("bot", None)
    assert resolution.refers_to == (await helpdesk.events(answered.session_id))[1].id
    for shopper in (asked, missed, handed):
        assert "resolved" not in await helpdesk.kinds(shopper.session_id)
    transcript = await answered.transcript()
    assert transcript[-1]["kind"] == "rating_prompt"  # the widget shows its stars


async def test_shoppers_rate_what_the_bot_resolved_and_nothing_before(helpdesk):
    helpdesk.at(0, 10)
    shopper = await helpdesk.shopper("was my order cancelled?")
    refused = await helpdesk.rate(shopper, 5)
    assert refused.status == 409 and (await refused.json())["code"] == "not_resolved"
    helpdesk.at(0, 11, 30)
    await helpdesk.sweep()
    assert (await helpdesk.rate(shopper, 5, "quick and clear")).status == 200
    rated = (await helpdesk.events(shopper.session_id))[-1]
    assert (rated.kind, rated.rating, rated.detail) == ("rated", 5, {"comment": "quick and clear"})


async def test_writing_again_reopens_what_the_bot_resolved_and_the_bot_may_resolve_it_again(
    helpdesk,
):
    helpdesk.at(0, 10)
    shopper = await helpdesk.shopper("was my order cancelled?")
    helpdesk.at(0, 11, 30)
    await helpdesk.sweep()
    helpdesk.at(2, 9)
    reply = await shopper.say("do I have a rewards account?")
    assert reply["state"] == "bot"
    helpdesk.at(2, 10, 1)
    assert await helpdesk.sweep() == 1
    assert await helpdesk.kinds(shopper.session_id) == [
        "opened",
        "bot_turn",
        "resolved",
        "reopened",
        "bot_turn",
        "resolved",
    ]
