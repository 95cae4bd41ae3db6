"""Cancelling or changing a placed order: allowed or not by its state; a person when needed.

An unpaid order is cancelled by the bot itself, but only after the shopper said yes to "Cancel
order #X?": a misread message ("ab wann kann ich die einlösen") once cancelled a signed-in
customer's order outright."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.context import done, last_bot_words
from bot.actions.handoff import escalate
from bot.actions.services import services
from bot.actions.verify import verified_order
from helpdesk.orders.changes import (
    CANCELLABLE_BY_A_PERSON,
    CHANGEABLE,
    SELF_SERVICE_CANCEL,
    cancel_unpaid_order,
)
from helpdesk.orders.models import Order, OrderStatus

TOO_LATE = {
    OrderStatus.SHIPPED,
    OrderStatus.IN_TRANSIT,
    OrderStatus.DELAYED,
    OrderStatus.DELIVERED,
    OrderStatus.RETURNED,
}
CANCEL_OFFERED = "cancel_offered"  # the order the bot asked "Cancel order #X?" about
CONFIRM_PAYLOAD = "/cancel_order"  # the yes button of utter_confirm_cancel (locales/)


class ActionCancelOrder(Action):
    def name(self) -> str:
        return "action_cancel_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        view, events = await verified_order(dispatcher, tracker, "cancel_order")
        if view is None:
            return events
        order = view.order
        if order.status in SELF_SERVICE_CANCEL:
            return [*events, *await _cancel_once_confirmed(dispatcher, tracker, order)]
        if order.status in CANCELLABLE_BY_A_PERSON:
            return [
                *events,
                *escalate(
                    dispatcher,
                    tracker,
                    response="utter_cancel_needs_person",
                    reason="cancel_order",
                    order_number=order.number,
                ),
            ]
        if order.status == OrderStatus.CANCELLED:
            dispatcher.utter_message(response="utter_order_cancelled", order_number=order.number)
        else:
            dispatcher.utter_message(response="utter_cancel_too_late", order_number=order.number)
        return [*events, *done()]


async def _cancel_once_confirmed(
    dispatcher: CollectingDispatcher, tracker: Tracker, order: Order
) -> list:
    """Ask "Cancel order #X?" first; cancel when the very next message says yes to that very
    order (a yes after another order was proven asks again instead)."""
    # Only the offer's own yes (its button, or a yes in words that the helpdesk maps to it):
    # words the NLU reads as cancelling ("non finalement je la garde") are no yes.
    text = tracker.latest_message.get("text") or ""
    confirmed = (
        text.startswith(CONFIRM_PAYLOAD)
        and last_bot_words(tracker) == "utter_confirm_cancel"
        and tracker.get_slot(CANCEL_OFFERED) == order.number
    )
    if not confirmed:
        dispatcher.utter_message(response="utter_confirm_cancel", order_number=order.number)
        return [SlotSet(CANCEL_OFFERED, order.number)]
    async with services().database.session() as session:
        await cancel_unpaid_order(session, await session.merge(order), now=services().now())
    dispatcher.utter_message(response="utter_order_cancelled_now", order_number=order.number)
    return [SlotSet(CANCEL_OFFERED, None), *done()]


class ActionChangeOrder(Action):
    def name(self) -> str:
        return "action_change_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        view, events = await verified_order(dispatcher, tracker, "change_order")
        if view is None:
            return events
        order = view.order
        if order.status in CHANGEABLE:
            return [
                *events,
                *escalate(
                    dispatcher,
                    tracker,
                    response="utter_change_needs_person",
                    reason="change_order",
                    order_number=order.number,
                ),
            ]
        response = "utter_change_too_late" if order.status in TOO_LATE else "utter_order_cancelled"
        dispatcher.utter_message(response=response, order_number=order.number)
        return [*events, *done()]
