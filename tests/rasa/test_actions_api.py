"""The action webhook inside the helpdesk answers Rasa's action protocol."""

from __future__ import annotations


def action_call(name: str, slots: dict | None = None) -> dict:
    return {
        "next_action": name,
        "sender_id": "c1",
        "version": "3.6.21",
        "tracker": {
            "sender_id": "c1",
            "slots": slots or {},
            "latest_message": {
                "text": "where is my order?",
                "intent": {"name": "order_status"},
                "entities": [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {"intents": [], "entities": [], "slots": {}, "responses": {}, "actions": []},
    }


async def test_rasa_runs_an_action_through_the_webhook(rasa_calls):
    status, body = await rasa_calls.post("/webhook", action_call("action_order_status"))
    assert status == 200
    assert [m["response"] for m in body["responses"]] == ["utter_ask_order_number"]


async def test_an_unknown_action_is_404_naming_it(rasa_calls):
    status, body = await rasa_calls.post("/webhook", action_call("action_nope"))
    assert status == 404
    assert body["action_name"] == "action_nope"


async def test_amounts_and_dates_from_the_shop_reach_rasa_as_text(rasa_calls):
    call = action_call("action_loyalty_program", slots={"country": "Spain"})
    status, body = await rasa_calls.post("/webhook", call)
    assert status == 200
    [message] = body["responses"]
    assert message["response"] == "utter_loyalty_program_answer"
    assert isinstance(message["points_per_unit"], str)
