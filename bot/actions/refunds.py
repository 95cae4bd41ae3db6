"""Where the shopper's refund is, and when the money arrives (policies/returns.yml timelines)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import order_and_policies
from bot.actions.context import done, thread_waiting_for_proof
from helpdesk.orders.lookup import OrderView
from helpdesk.orders.models import RefundStatus, ReturnStatus
from helpdesk.policies.businessdays import add_business_days
from helpdesk.policies.loading import Policies
from helpdesk.policies.returns import refund_timeline, return_rules


def refund_reply(view: OrderView, policies: Policies) -> tuple[str, dict]:
    """The response name and variables for the latest return of the order."""
    order = view.order
    if not view.returns:
        return "utter_refund_no_return", {"order_number": order.number}
    latest = view.returns[-1]
    facts = {
        "order_number": order.number,
        "rma": latest.rma,
        "amount": f"{latest.refund_amount} {order.currency}",
    }
    rules = return_rules(policies.returns, order.country)
    settlement = rules.refund.settlement_days
    days = settlement.get(order.payment_method, settlement["other"])
    if latest.status == ReturnStatus.REJECTED:
        return "utter_refund_rejected", facts
    if latest.refund_status == RefundStatus.SETTLED and latest.refund_issued_on:
        return "utter_refund_settled", {**facts, "issued_on": latest.refund_issued_on.isoformat()}
    if latest.refund_status == RefundStatus.ISSUED and latest.refund_issued_on:
        arrives = add_business_days(latest.refund_issued_on, days)
        return "utter_refund_issued", {
            **facts,
            "issued_on": latest.refund_issued_on.isoformat(),
            "on_account_by": arrives.isoformat(),
        }
    if latest.received_on is not None:
        timeline = refund_timeline(
            policies.returns, order.country, order.payment_method, received_on=latest.received_on
        )
        return "utter_refund_processing", {
            **facts,
            "received_on": latest.received_on.isoformat(),
            "issued_by": timeline.issued_by.isoformat(),
            "on_account_by": timeline.on_account_by.isoformat(),
        }
    return "utter_refund_waiting_for_parcel", {
        **facts,
        "processing_days": rules.refund.processing_days,
        "settlement_days": days,
    }


class ActionRefundStatus(Action):
    def name(self) -> str:
        return "action_refund_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        topic = "refund_status"
        if waiting := thread_waiting_for_proof(tracker):
            # A question about refunds while the bot waits for a proof ("espera, y si lo
            # cancelo el dinero me vuelve a la misma cuenta?", "avant ça : on est remboursé sur
            # la carte ou en avoir ?"): how refunds are paid, then the open question again for
            # the thread the shopper is in. Asking for the proof alone left it unanswered.
            dispatcher.utter_message(response="utter_refund_method")
            topic = waiting
        view, policies, events = await order_and_policies(dispatcher, tracker, topic)
        if view is None or policies is None:
            return events
        response, facts = refund_reply(view, policies)
        dispatcher.utter_message(response=response, **facts)
        return [*events, *done()]
