"""Handing the conversation to a person: the bot says so and signals the helpdesk."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


def handoff_summary(tracker: Tracker) -> dict[str, Any]:
    """What the agent needs so the shopper does not repeat themselves."""
    intents = [event.get("parse_data", {}).get("intent", {}).get("name")
               for event in tracker.events if event.get("event") == "user"]
    return {
        "reason": tracker.latest_message.get("intent", {}).get("name") or "human_handoff",
        "intents": [name for name in intents if name],
        "order_number": tracker.get_slot("order_number"),
        "lang": (tracker.latest_message.get("metadata") or {}).get("lang"),
    }


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_handoff")
        dispatcher.utter_message(json_message={"escalate": handoff_summary(tracker)})
        return []
