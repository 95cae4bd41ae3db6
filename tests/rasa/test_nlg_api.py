"""Rasa's NLG requests become a locale key and variables for the helpdesk to render."""

from __future__ import annotations


async def test_nlg_answers_with_the_key_and_variables(rasa_calls):
    request = {
        "response": "utter_ask_verification",
        "arguments": {"order_number": "10045", "text": None, "buttons": [], "custom": {}},
        "tracker": {"slots": {"email": None, "country": "BR", "requested_slot": "email"}},
        "channel": {"name": "rest"},
    }
    status, body = await rasa_calls.post("/nlg", request)
    assert status == 200
    assert body == {
        "custom": {
            "say": {
                "key": "utter_ask_verification",
                "vars": {"country": "BR", "order_number": "10045"},
            }
        }
    }


async def test_the_actions_arguments_win_over_slots(rasa_calls):
    request = {
        "response": "utter_x",
        "arguments": {"order_number": "10046"},
        "tracker": {"slots": {"order_number": "10045"}},
    }
    _, body = await rasa_calls.post("/nlg", request)
    assert body["custom"]["say"]["vars"] == {"order_number": "10046"}
