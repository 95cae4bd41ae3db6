"""What an action knows of the shopper (country, open question) and of the shop's policies."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.services import services
from helpdesk.languages.countries import country_code
from helpdesk.policies.loading import Policies
from helpdesk.policies.store import PoliciesUnavailable

TOPIC = "topic"


def shopper_country(tracker: Tracker) -> str | None:
    """The country the shopper named (any language, any spelling), as an ISO code."""
    return country_code(tracker.get_slot("country"))


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The entity in the message being answered (a correction beats what a slot remembers)."""
    return next(tracker.get_latest_entity_values(entity), None)


def ask(topic: str) -> list:
    """Events for "the bot asked something about `topic`": a bare answer resumes it."""
    return [SlotSet(TOPIC, topic)]


def done() -> list:
    return [SlotSet(TOPIC, None)]


def policies_or_apologise(dispatcher: CollectingDispatcher) -> Policies | None:
    """The current policies; when none is valid, the shopper is told and offered a person."""
    try:
        return services().policies.policies
    except PoliciesUnavailable:
        dispatcher.utter_message(response="utter_policies_unavailable")
        return None


def country_or_ask(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str
) -> tuple[str | None, list]:
    """The shopper's country, or (None, events) after asking for it."""
    country = shopper_country(tracker)
    if country is None:
        dispatcher.utter_message(response="utter_ask_country", topic_key=f"intent_{topic}")
        return None, ask(topic)
    return country, []
