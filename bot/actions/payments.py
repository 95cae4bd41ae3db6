"""Payment methods, currency and instalments in the shopper's country; failed payments."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.context import country_or_ask, done, policies_or_apologise
from helpdesk.policies.loading import Policies
from helpdesk.policies.payments import payment_methods, payment_rules


def payment_facts(policies: Policies, country: str) -> dict:
    rules = payment_rules(policies.payments, country)
    plan = rules.instalments
    return {
        "country": country,
        "methods": [offer.name for offer in payment_methods(policies.payments, country)],
        "currency": rules.currency,
        "instalments_key": "instalments_offered" if plan else "instalments_none",
        "max_instalments": plan.max_count if plan else 0,
        "instalments_from": f"{plan.min_order} {rules.currency}" if plan else "",
    }


class ActionPaymentMethods(Action):
    def name(self) -> str:
        return "action_payment_methods"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        country, events = country_or_ask(dispatcher, tracker, "payment_methods")
        if country is None:
            return events
        if (policies := policies_or_apologise(dispatcher)) is None:
            return done()
        dispatcher.utter_message(response="utter_payment_answer", **payment_facts(policies, country))
        return done()
