"""A bare answer ("Germany", "#10045", an email) resumes the question the bot last asked."""

from __future__ import annotations

import inspect

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.context import TOPIC, latest_entity
from bot.actions.orders import ActionOrderStatus
from bot.actions.returns import ActionReturnPolicy

RESUMABLE = {"order_status": ActionOrderStatus, "return_policy": ActionReturnPolicy}


class ActionContinue(Action):
    def name(self) -> str:
        return "action_continue"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        topic = tracker.get_slot(TOPIC)
        if topic not in RESUMABLE and latest_entity(tracker, "order_number"):
            topic = "order_status"  # an order number alone: the shopper wants to know about it
        if topic in RESUMABLE:
            events = RESUMABLE[topic]().run(dispatcher, tracker, domain)
            return await events if inspect.isawaitable(events) else events
        dispatcher.utter_message(response="utter_how_can_i_help")
        return []
