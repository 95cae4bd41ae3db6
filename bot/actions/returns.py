"""Return questions answered from policies/returns.yml for the shopper's market."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.context import ask, done, shopper_country
from bot.actions.services import services
from helpdesk.policies.loading import Policies
from helpdesk.policies.returns import return_rules, return_shipping
from helpdesk.policies.store import PoliciesUnavailable


def return_policy_facts(policies: Policies, country: str) -> dict:
    """The variables of utter_return_policy_answer: window, shipping, exchanges, exclusions."""
    rules = return_rules(policies.returns, country)
    shipping = return_shipping(policies.returns, country)
    if shipping.paid_by == "shop":
        shipping_key = "return_shipping_free"
    elif shipping.label == "prepaid":
        shipping_key = "return_shipping_label_price"
    else:
        shipping_key = "return_shipping_own"
    excluded = policies.returns.non_returnable
    return {
        "country": country,
        "window_days": rules.window_days,
        "shipping_key": shipping_key,
        "label_price": f"{shipping.label_price} {shipping.currency}" if shipping.currency else "",
        "exchanges_key": "exchanges_size" if "size" in rules.exchanges else "exchanges_none",
        "excluded_keys": sorted({f"exclusion_{reason}" for reason in excluded.categories.values()}
                                | {f"exclusion_{r}" for r in excluded.sku_prefixes.values()}
                                | ({"exclusion_final_sale"} if excluded.final_sale else set())),
    }


class ActionReturnPolicy(Action):
    def name(self) -> str:
        return "action_return_policy"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        country = shopper_country(tracker)
        if country is None:
            dispatcher.utter_message(response="utter_ask_country", topic_key="intent_return_policy")
            return ask("return_policy")
        try:
            policies = services().policies.policies
        except PoliciesUnavailable:
            dispatcher.utter_message(response="utter_policies_unavailable")
            return done()
        dispatcher.utter_message(response="utter_return_policy_answer",
                                 **return_policy_facts(policies, country))
        return done()
