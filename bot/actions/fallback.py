"""The two-stage fallback in the shopper's language: confirm a guess, then offer a person."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

NLU_FALLBACK = "nlu_fallback"
# Two guesses this close are both worth naming (the pipeline's FallbackClassifier calls a
# message ambiguous below 0.05 between the two best; a little more room costs nothing here).
CLOSE = 0.1
# Guesses that are no topic to choose between.
NOT_A_TOPIC = {NLU_FALLBACK, "out_of_scope", "greet", "goodbye", "thank_you", "affirm", "deny"}
NOT_A_TOPIC |= {"inform", "stop"}  # "giving details" or "stopping" is no topic to offer


def intent_to_confirm(latest_message: dict) -> str:
    """The best real guess: the top intent, or the runner-up when the top one is the fallback."""
    intent = latest_message.get("intent", {}).get("name")
    ranking = latest_message.get("intent_ranking") or []
    if intent == NLU_FALLBACK and len(ranking) > 1:
        return ranking[1]["name"]
    return intent or "out_of_scope"


def close_topics(latest_message: dict) -> tuple[str, str] | None:
    """The two best topics when the NLU can hardly tell them apart, else None."""
    ranking = [
        guess
        for guess in latest_message.get("intent_ranking") or []
        if guess.get("name") and guess["name"] not in NOT_A_TOPIC
    ]
    if len(ranking) < 2:
        return None
    first, second = ranking[0], ranking[1]
    if float(first.get("confidence") or 0) - float(second.get("confidence") or 0) > CLOSE:
        return None
    return first["name"], second["name"]


class ActionAskAffirmation(Action):
    """Replaces Rasa's English-only "Did you mean 'intent'?": with two close guesses, "Did you
    mean X or Y?" with both as buttons; else "is it about X?"."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if pair := close_topics(tracker.latest_message):
            first, second = pair
            dispatcher.utter_message(
                response="utter_ask_which",
                first=first,
                second=second,
                first_key=f"intent_{first}",
                second_key=f"intent_{second}",
            )
            return []
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
