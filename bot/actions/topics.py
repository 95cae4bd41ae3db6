"""A bare answer ("Germany", "#10045", an email) resumes the question the bot last asked."""

from __future__ import annotations

import inspect

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.cancellation import ActionCancelOrder, ActionChangeOrder
from bot.actions.context import ANSWERED, TOPIC, latest_entity
from bot.actions.loyalty import ActionLoyaltyBalance, ActionLoyaltyProgram
from bot.actions.orders import ActionOrderStatus
from bot.actions.payments import ActionPaymentMethods
from bot.actions.redemption import ActionRedeemPoints
from bot.actions.refunds import ActionRefundStatus
from bot.actions.returns import ActionReturnPolicy, ActionStartReturn
from bot.actions.shipping import ActionShippingInfo

RESUMABLE: dict[str, type[Action]] = {
    "order_status": ActionOrderStatus,
    "cancel_order": ActionCancelOrder,
    "change_order": ActionChangeOrder,
    "return_policy": ActionReturnPolicy,
    "start_return": ActionStartReturn,
    "refund_status": ActionRefundStatus,
    "shipping_info": ActionShippingInfo,
    "payment_methods": ActionPaymentMethods,
    "loyalty_program": ActionLoyaltyProgram,
    "loyalty_balance": ActionLoyaltyBalance,
    "redeem_points": ActionRedeemPoints,
}


class ActionContinue(Action):
    def name(self) -> str:
        return "action_continue"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        topic = tracker.get_slot(TOPIC)
        if topic not in RESUMABLE and latest_entity(tracker, "order_number"):
            topic = "order_status"  # an order number alone: the shopper wants to know about it
        elif topic not in RESUMABLE and latest_entity(tracker, "country"):
            # "and for spain?": the last answer, for another country; a country with nothing
            # answered yet ("envian a argentina?") asks the commonest thing about a country.
            topic = tracker.get_slot(ANSWERED) or "shipping_info"
        if topic in RESUMABLE:
            events = RESUMABLE[topic]().run(dispatcher, tracker, domain)
            return await events if inspect.isawaitable(events) else events
        dispatcher.utter_message(response="utter_how_can_i_help")
        return []


class ActionStop(Action):
    """ "Never mind": drop the open question, so the next bare answer starts nothing."""

    def name(self) -> str:
        return "action_stop"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_ok_stopped")
        # Nothing resumes after "never mind", and no yes cancels an order or spends points any more.
        forget = (TOPIC, ANSWERED, "email", "postal_code", "cancel_offered", "redeem_offered")
        return [SlotSet(slot, None) for slot in forget]
