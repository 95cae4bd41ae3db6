"""Handing the conversation to a person: the bot says so and signals the helpdesk."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.context import done, last_bot_words


def handoff_summary(tracker: Tracker, reason: str | None = None, **context: Any) -> dict[str, Any]:
    """What the agent needs so the shopper does not repeat themselves."""
    intents = [
        event.get("parse_data", {}).get("intent", {}).get("name")
        for event in tracker.events
        if event.get("event") == "user"
    ]
    # The responses the bot gave (a late order's apology, say): the helpdesk ranks the queue by them.
    said = [
        (event.get("metadata") or {}).get("utter_action")
        for event in tracker.events
        if event.get("event") == "bot"
    ]
    return {
        "reason": reason or tracker.latest_message.get("intent", {}).get("name") or "human_handoff",
        "intents": [name for name in intents if name],
        "bot_said": [name for name in said if name],
        "order_number": tracker.get_slot("order_number"),
        "lang": (tracker.latest_message.get("metadata") or {}).get("lang"),
        **context,
    }


def escalate(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    *,
    response: str,
    reason: str | None = None,
    **context: Any,
) -> list:
    """Say `response`, then ask the helpdesk to queue the conversation for a person."""
    dispatcher.utter_message(
        response=response, **{k: v for k, v in context.items() if isinstance(v, (str, int))}
    )
    dispatcher.utter_message(json_message={"escalate": handoff_summary(tracker, reason, **context)})
    return done()


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        # A yes to "shall I pass you to someone?" after a complaint hands over the complaint.
        reason = "complaint" if last_bot_words(tracker) == "utter_complaint" else None
        return escalate(dispatcher, tracker, response="utter_handoff", reason=reason)
