"""Actions run from trackers with rasa-sdk's CollectingDispatcher: the responses they choose."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.fallback import ActionAskAffirmation, ActionOfferHuman
from bot.actions.handoff import ActionHandoff


def tracker(
    slots: dict | None = None, intent: str = "order_status", ranking=None, lang="en"
) -> Tracker:
    latest = {
        "text": "…",
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": ranking or [],
        "metadata": {"lang": lang},
    }
    events = [{"event": "user", "parse_data": {"intent": {"name": intent}}}]
    return Tracker("c1", slots or {}, latest, events, False, None, None, "action_listen")


def run(action, state: Tracker) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, state, {})
    return dispatcher.messages, events


def test_handoff_says_so_and_signals_the_helpdesk_with_a_summary():
    messages, _ = run(ActionHandoff(), tracker({"order_number": "10045"}, intent="human_handoff"))
    assert messages[0]["response"] == "utter_handoff"
    assert messages[1]["custom"] == {
        "escalate": {
            "reason": "human_handoff",
            "intents": ["human_handoff"],
            "bot_said": [],
            "order_number": "10045",
            "lang": "en",
        }
    }


def test_the_handoff_summary_names_what_the_bot_already_answered():
    state = tracker(intent="human_handoff")
    state.events += [
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_order_delayed"}}
    ]
    messages, _ = run(ActionHandoff(), state)
    assert messages[1]["custom"]["escalate"]["bot_said"] == ["utter_order_delayed"]


def test_a_yes_to_a_person_after_a_complaint_hands_over_the_complaint():
    state = tracker(intent="human_handoff")  # the yes button of utter_complaint
    complained = {"event": "user", "parse_data": {"intent": {"name": "complaint"}}}
    offered = {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_complaint"}}
    state.events = [complained, offered, *state.events]
    messages, _ = run(ActionHandoff(), state)
    assert messages[1]["custom"]["escalate"]["reason"] == "complaint"


def test_did_you_mean_names_the_runner_up_when_the_top_guess_is_the_fallback():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "refund_status", "confidence": 0.4},
    ]
    messages, _ = run(ActionAskAffirmation(), tracker(intent="nlu_fallback", ranking=ranking))
    assert messages[0]["response"] == "utter_ask_affirmation"
    assert (messages[0]["intent"], messages[0]["intent_key"]) == (
        "refund_status",
        "intent_refund_status",
    )


def test_two_close_guesses_are_both_offered_as_buttons():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.6},
        {"name": "cancel_order", "confidence": 0.31},
        {"name": "greet", "confidence": 0.3},  # no topic to choose
        {"name": "refund_status", "confidence": 0.28},
        {"name": "order_status", "confidence": 0.1},
    ]
    messages, _ = run(ActionAskAffirmation(), tracker(intent="nlu_fallback", ranking=ranking))
    assert messages[0]["response"] == "utter_ask_which"
    assert (messages[0]["first"], messages[0]["second"]) == ("cancel_order", "refund_status")


def test_a_clear_best_guess_is_confirmed_alone():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.6},
        {"name": "cancel_order", "confidence": 0.5},
        {"name": "refund_status", "confidence": 0.2},
    ]
    messages, _ = run(ActionAskAffirmation(), tracker(intent="nlu_fallback", ranking=ranking))
    assert messages[0]["response"] == "utter_ask_affirmation"


def test_after_two_misses_a_person_is_offered():
    messages, events = run(ActionOfferHuman(), tracker(intent="nlu_fallback"))
    assert messages[0]["response"] == "utter_offer_human"
    assert events == [UserUtteranceReverted()]
