"""Order status: ask for what verification needs (order number, then email or postal code)."""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

ORDER_NUMBER = re.compile(r"#?\s*(\d{5})\b")


def order_number_in(value: str | None) -> str | None:
    """The shop's order number (5 digits, written "10045" or "#10045") in a slot or a text."""
    match = ORDER_NUMBER.search(value or "")
    return match.group(1) if match else None


class ActionOrderStatus(Action):
    def name(self) -> str:
        return "action_order_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        number = order_number_in(tracker.get_slot("order_number"))
        if number is None:
            dispatcher.utter_message(response="utter_ask_order_number")
            return []
        if not (tracker.get_slot("email") or tracker.get_slot("postal_code")):
            dispatcher.utter_message(response="utter_ask_verification", order_number=number)
            return [SlotSet("order_number", number)]
        dispatcher.utter_message(response="utter_order_lookup_unavailable", order_number=number)
        return [SlotSet("order_number", number)]
