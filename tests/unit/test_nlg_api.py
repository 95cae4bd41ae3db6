"""Rasa's NLG requests become a locale key and variables for the helpdesk to render."""

from __future__ import annotations


async def test_nlg_answers_with_the_key_and_variables(client):
    request = {
        "response": "utter_ask_verification",
        "arguments": {"order_number": "10045", "text": None, "buttons": [], "custom": {}},
        "tracker": {"slots": {"email": None, "country": "BR", "requested_slot": "email"}},
        "channel": {"name": "rest"},
    }
    response = await client.post("/nlg", json=request)
    assert response.status == 200
    assert await response.json() == {"custom": {"say": {
        "key": "utter_ask_verification", "vars": {"country": "BR", "order_number": "10045"}}}}


async def test_the_actions_arguments_win_over_slots(client):
    request = {"response": "utter_x", "arguments": {"order_number": "10046"},
               "tracker": {"slots": {"order_number": "10045"}}}
    body = await (await client.post("/nlg", json=request)).json()
    assert body["custom"]["say"]["vars"] == {"order_number": "10046"}
