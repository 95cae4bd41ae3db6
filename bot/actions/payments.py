"""Payment methods, currency and instalments in the shopper's country; failed payments."""

from __future__ import annotations

from bot.actions.base import CountryPolicyAnswer
from helpdesk.policies.loading import Policies
from helpdesk.policies.payments import payment_methods, payment_rules


def payment_facts(policies: Policies, country: str) -> dict:
    rules = payment_rules(policies.payments, country)
    plan = rules.instalments
    return {
        "country": country,
        # By language: the helpdesk shows each in the shopper's (languages/locales.py).
        "methods": [offer.names for offer in payment_methods(policies.payments, country)],
        "currency": rules.currency,
        "instalments_key": "instalments_offered" if plan else "instalments_none",
        "max_instalments": plan.max_count if plan else 0,
        "instalments_from": f"{plan.min_order} {rules.currency}" if plan else "",
    }


class ActionPaymentMethods(CountryPolicyAnswer):
    topic, response = "payment_methods", "utter_payment_answer"

    def facts(self, policies: Policies, country: str) -> dict:
        return payment_facts(policies, country)
