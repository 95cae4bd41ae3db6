"""What actions share: an answer computed from the policies for the shopper's country, and the
verified order with the policies to answer about it. Both end the open question the same way
when no valid policies are loaded: the shopper is told (and offered a person), the topic ends."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.context import (
    ANSWERED,
    country_or_ask,
    done,
    policies_or_apologise,
    reask_open_country_question,
    reask_open_order_question,
)
from bot.actions.verify import verified_order
from helpdesk.orders.lookup import OrderView
from helpdesk.policies.loading import Policies


class CountryPolicyAnswer(Action, ABC):
    """Asks for the shopper's country if unknown, then answers from the policies for it.
    Subclasses name their topic (the intent), their response and the facts it says. Abstract, so
    that rasa-sdk's executor registers only the subclasses."""

    topic: str
    response: str

    def name(self) -> str:
        return f"action_{self.topic}"

    @abstractmethod
    def facts(self, policies: Policies, country: str) -> dict[str, Any]:
        """The variables of `response` for the shopper's country."""

    def answer(self, dispatcher: CollectingDispatcher, policies: Policies, country: str) -> None:
        dispatcher.utter_message(response=self.response, **self.facts(policies, country))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        country, events = await country_or_ask(dispatcher, tracker, self.topic)
        if country is None:
            return events
        if (policies := policies_or_apologise(dispatcher)) is None:
            return done()
        self.answer(dispatcher, policies, country)
        answered = [SlotSet(ANSWERED, self.topic)]
        if reask_open_order_question(dispatcher, tracker, self.topic):
            return answered  # the open order question stays open
        if reask_open_country_question(dispatcher, tracker, self.topic):
            return answered  # ...and so does the open country question
        return [*answered, *done()]


async def order_and_policies(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str
) -> tuple[OrderView | None, Policies | None, list]:
    """(the verified order, the policies, events); when either is missing the shopper was asked
    (order number, proof) or told (no policies: the topic ends), and the events say so."""
    view, events = await verified_order(dispatcher, tracker, topic)
    if view is None:
        return None, None, events
    if (policies := policies_or_apologise(dispatcher)) is None:
        return None, None, [*events, *done()]
    return view, policies, events
