"""Order status: once the order is verified, its status, carrier, tracking link and window."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import order_and_policies
from bot.actions.context import done
from bot.actions.order_facts import order_status_reply
from bot.actions.services import services


class ActionOrderStatus(Action):
    def name(self) -> str:
        return "action_order_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        view, policies, events = await order_and_policies(dispatcher, tracker, "order_status")
        if view is None or policies is None:
            return events
        response, facts = order_status_reply(view, policies, today=services().now().date())
        dispatcher.utter_message(response=response, **facts)
        return [*events, *done()]
