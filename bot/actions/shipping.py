"""Shipping to the shopper's country: options, prices, free-shipping threshold, times, duties."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import CountryPolicyAnswer
from helpdesk.policies.loading import Policies
from helpdesk.policies.shipping import duties_mode, shipping_options, ships_to


def shipping_facts(policies: Policies, country: str) -> dict:
    options = [
        {
            "key": "shipping_option_line",
            "vars": {
                "option_key": f"shipping_option_{offer.option}",
                "carrier": offer.carrier,
                "price": f"{offer.price} {offer.currency}",
                "min_days": offer.min_days,
                "max_days": offer.max_days,
            },
        }
        for offer in shipping_options(policies.shipping, country)
    ]
    free = [offer for offer in shipping_options(policies.shipping, country) if offer.free_from]
    return {
        "country": country,
        "options_keys": options,
        "free_key": "shipping_free_from" if free else "shipping_never_free",
        "free_from": f"{free[0].free_from} {free[0].currency}" if free else "",
        "duties_key": f"duties_{duties_mode(policies.shipping, country)}",
    }


class ActionShippingInfo(CountryPolicyAnswer):
    topic, response = "shipping_info", "utter_shipping_answer"

    def facts(self, policies: Policies, country: str) -> dict:
        return shipping_facts(policies, country)

    def answer(self, dispatcher: CollectingDispatcher, policies: Policies, country: str) -> None:
        if not ships_to(policies.shipping, country):
            dispatcher.utter_message(response="utter_shipping_not_served", country=country)
            return
        super().answer(dispatcher, policies, country)
