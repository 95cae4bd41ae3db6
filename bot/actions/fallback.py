"""The two-stage fallback in the shopper's language: confirm a guess, then offer a person."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

NLU_FALLBACK = "nlu_fallback"


def intent_to_confirm(latest_message: dict) -> str:
    """The best real guess: the top intent, or the runner-up when the top one is the fallback."""
    intent = latest_message.get("intent", {}).get("name")
    ranking = latest_message.get("intent_ranking") or []
    if intent == NLU_FALLBACK and len(ranking) > 1:
        return ranking[1]["name"]
    return intent or "out_of_scope"


class ActionAskAffirmation(Action):
    """Replaces Rasa's English-only "Did you mean 'intent'?"."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        intent = intent_to_confirm(tracker.latest_message)
        dispatcher.utter_message(
            response="utter_ask_affirmation", intent=intent, intent_key=f"intent_{intent}"
        )
        return []


class ActionOfferHuman(Action):
    """After two misses: offer a person instead of guessing a third time."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        dispatcher.utter_message(response="utter_offer_human")
        return [UserUtteranceReverted()]
