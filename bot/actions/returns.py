"""Returns: the rules for the shopper's market, and starting a return of a delivered item."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.base import CountryPolicyAnswer, order_and_policies
from bot.actions.context import (
    ask,
    done,
    latest_entity,
    policies_or_apologise,
)
from bot.actions.services import services
from bot.actions.verify import requested_order_number
from helpdesk.chat.choices import the_one_named
from helpdesk.languages.countries import country_code
from helpdesk.orders.changes import already_returned, create_return, item_eligibility
from helpdesk.orders.models import OrderStatus
from helpdesk.policies.loading import Policies
from helpdesk.policies.returns import return_rules, return_shipping


def shipping_facts(policies: Policies, country: str) -> dict:
    """Who pays for sending a return back, as the key of the sentence that says so."""
    shipping = return_shipping(policies.returns, country)
    if shipping.paid_by == "shop":
        key = "return_shipping_free"
    elif shipping.label == "prepaid":
        key = "return_shipping_label_price"
    else:
        key = "return_shipping_own"
    return {
        "shipping_key": key,
        "label_price": f"{shipping.label_price} {shipping.currency}" if shipping.currency else "",
    }


def return_policy_facts(policies: Policies, country: str) -> dict:
    """The variables of utter_return_policy_answer: window, shipping, exchanges, exclusions."""
    rules = return_rules(policies.returns, country)
    excluded = policies.returns.non_returnable
    return {
        "country": country,
        "window_days": rules.window_days,
        **shipping_facts(policies, country),
        "exchanges_key": "exchanges_size" if "size" in rules.exchanges else "exchanges_none",
        "excluded_keys": sorted(
            {f"exclusion_{reason}" for reason in excluded.categories.values()}
            | {f"exclusion_{r}" for r in excluded.sku_prefixes.values()}
            | ({"exclusion_final_sale"} if excluded.final_sale else set())
        ),
    }


class ActionReturnPolicy(CountryPolicyAnswer):
    topic, response = "return_policy", "utter_return_policy_answer"

    def facts(self, policies: Policies, country: str) -> dict:
        return return_policy_facts(policies, country)


def _rules_for_a_country_named_first(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """ "How do I send it back? I live in Brazil", before any order is named: the rules for
    that country come first, then the bot asks which order."""
    country = country_code(latest_entity(tracker, "country"))
    if country is None or requested_order_number(tracker, "start_return") is not None:
        return
    if (policies := policies_or_apologise(dispatcher)) is not None:
        ActionReturnPolicy().answer(dispatcher, policies, country)


class ActionStartReturn(Action):
    """Which items can go back today and why the others can't; registers the return."""

    def name(self) -> str:
        return "action_start_return"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        _rules_for_a_country_named_first(dispatcher, tracker)
        view, policies, events = await order_and_policies(dispatcher, tracker, "start_return")
        if view is None or policies is None:
            return events
        order, today = view.order, services().now().date()
        if order.status in (OrderStatus.CANCELLED,):
            dispatcher.utter_message(
                response="utter_return_order_cancelled", order_number=order.number
            )
            return [*events, *done()]
        returned = already_returned(view)
        verdicts = [
            (item, item_eligibility(policies.returns, view, item, today=today))
            for item in view.items
            if item.sku not in returned
        ]
        eligible = [item for item, verdict in verdicts if verdict.returnable]
        refused = [
            {
                "key": f"return_refused_{verdict.reason}",
                "vars": {
                    "item": item.name,
                    "window_ends": _iso(verdict.window_ends),
                    "window_days": verdict.window_days,
                    "exclusion_key": f"exclusion_{verdict.exclusion}",
                },
            }
            for item, verdict in verdicts
            if not verdict.returnable
        ]
        chosen = _chosen(tracker, eligible)
        # When only one item can go back, it is the one meant: shoppers name it in words the
        # shop's titles may not use ("the trainers" for the "White leather sneakers").
        if chosen is None and len(eligible) > 1:
            dispatcher.utter_message(
                response="utter_ask_return_item_refused" if refused else "utter_ask_return_item",
                order_number=order.number,
                refused_keys=refused,
                choices=[
                    {"title": item.name, "payload": f'/inform{{"product": "{item.sku}"}}'}
                    for item in eligible
                ],
            )
            return [*events, *ask("start_return")]
        if chosen is None and not eligible:
            dispatcher.utter_message(
                response="utter_return_nothing_eligible",
                order_number=order.number,
                refused_keys=refused,
            )
            return [*events, *done()]
        chosen = chosen or eligible[0]
        verdict = next(found for item, found in verdicts if item is chosen)
        async with services().database.session() as session:
            created = await create_return(session, view, chosen)
        dispatcher.utter_message(
            response="utter_return_created",
            rma=created.rma,
            item=chosen.name,
            order_number=order.number,
            window_ends=_iso(verdict.window_ends),
            refused_keys=refused,
            **shipping_facts(policies, order.country),
        )
        return [*events, *done()]


def _chosen(tracker: Tracker, eligible: list):
    """The item the shopper picked: a button sends its SKU, a typed name works too, and so does
    a word of it in their own language or order ("les bottines chelsea" for "Chelsea boots")."""
    wanted = (latest_entity(tracker, "product") or "").strip().lower()
    if wanted:
        exact = (i for i in eligible if wanted == i.sku.lower() or wanted in i.name.lower())
        if (found := next(exact, None)) is not None:
            return found
    titles = {item.sku: item.name for item in eligible}
    for said in (wanted, tracker.latest_message.get("text") or ""):
        if sku := the_one_named(titles, said):
            return next(item for item in eligible if item.sku == sku)
    return None


def _iso(day) -> str:
    return day.isoformat() if day else ""
