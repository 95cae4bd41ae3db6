"""What an action knows of the shopper: their country, and the topic the bot last asked about."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from helpdesk.countries import country_code

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
