"""Rasa's doors: the action webhook and the NLG endpoint answer only on their private listener,
only with the shared secret, and a malformed call gets a 400 that says what is wrong."""

from __future__ import annotations

import pytest

from helpdesk.app import create_app
from tests.conftest import RasaCalls, open_session
from tests.rasa.test_actions_api import action_call


async def test_the_public_port_has_no_action_webhook_and_no_nlg(client):
    for path in ("/webhook", "/nlg"):
        response = await client.post(path, json=action_call("action_loyalty_balance"))
        assert response.status == 404, path


@pytest.mark.parametrize("token", [None, "", "wrong", "callbacks-secret-for-test"])
async def test_only_the_shared_secret_opens_rasas_doors(client, token):
    caller = RasaCalls(client.app, token=token)
    for path, body in (
        ("/webhook", action_call("action_order_status")),
        ("/nlg", {"response": "utter_greet"}),
    ):
        status, answer = await caller.post(path, body)
        assert status == 401 and answer["code"] == "unauthorized", (path, answer)


async def test_without_a_configured_secret_rasa_is_refused_too(
    clock, aiohttp_client, settings, fake_bot, detector, translator
):
    settings.rasa_callbacks_token = ""
    client = await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )
    status, answer = await RasaCalls(client.app, token="anything").post("/nlg", {"response": "x"})
    assert status == 503 and "RASA_CALLBACKS_TOKEN" in answer["error"]


async def test_a_stranger_with_a_conversation_id_learns_nothing(client, rasa_calls):
    shopper = await open_session(client, "en")
    call = action_call("action_loyalty_balance")
    call["sender_id"] = call["tracker"]["sender_id"] = shopper.session_id
    response = await client.post("/webhook", json=call)
    assert response.status == 404
    status, _ = await RasaCalls(client.app, token=None).post("/webhook", call)
    assert status == 401


@pytest.mark.parametrize(
    "body, says",
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"tracker": {}}', "next_action"),
        (b'{"next_action": "action_order_status", "tracker": "x"}', "tracker"),
        (b"[" * 5000 + b"]" * 5000, "nested"),
        (b'{"next_action": "a\\u0000b", "tracker": {}}', "NUL"),
        (b'{"next_action": "\\ud800", "tracker": {}}', "surrogate"),
    ],
)
async def test_a_malformed_action_call_is_400_saying_why(rasa_calls, body, says):
    status, answer = await rasa_calls.post(
        "/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    assert status == 400 and says in answer["error"], answer


@pytest.mark.parametrize(
    "body, says",
    [
        (b"{", "not valid JSON"),
        (b'{"response": 7}', "response"),
        (b'{"response": "utter_greet", "tracker": [], "arguments": "x"}', None),
    ],
)
async def test_a_malformed_nlg_call_is_400_or_answered(rasa_calls, body, says):
    status, answer = await rasa_calls.post(
        "/nlg", data=body, headers={"Content-Type": "application/json"}
    )
    if says is None:
        assert status == 200 and answer["custom"]["say"]["key"] == "utter_greet"
    else:
        assert status == 400 and says in answer["error"], answer


async def test_entity_values_that_are_not_text_do_not_crash_an_action(rasa_calls):
    call = action_call("action_order_status", slots={"order_number": ["10045"], "email": {"a": 1}})
    call["tracker"]["latest_message"]["entities"] = [
        {"entity": "order_number", "value": 10045},
        {"entity": "email", "value": None},
        {"entity": "postal_code", "value": ["1017", "CE"]},
        "junk",
    ]
    status, answer = await rasa_calls.post("/webhook", call)
    assert status == 200
    assert [m["response"] for m in answer["responses"]] == ["utter_ask_order_number"]
