"""Rasa's NLG endpoint: a response name becomes a locale key the helpdesk renders later.

Rasa asks this endpoint for the text of every response (`utter_*`), with the action's arguments
and the tracker. We answer with a structured `custom` payload instead of text, so the helpdesk
renders it from locales/ in the conversation's language when the reply arrives.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from helpdesk.errors import BadRequest
from helpdesk.web.middleware import read_json_object

routes = web.RouteTableDef()

# Keys rasa-sdk's utter_message always sends; they are not variables of the text.
MESSAGE_FIELDS = {
    "text",
    "buttons",
    "elements",
    "custom",
    "template",
    "response",
    "image",
    "attachment",
    "json_message",
    "quick_replies",
    "id",
    "response_id",
}
INTERNAL_SLOTS = {"requested_slot", "session_started_metadata"}


def text_variables(arguments: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any]:
    """Slot values, then the action's own arguments (which win), as the text's variables."""
    variables = {
        name: value
        for name, value in slots.items()
        if value is not None and name not in INTERNAL_SLOTS
    }
    variables.update(
        {
            name: value
            for name, value in arguments.items()
            if name not in MESSAGE_FIELDS and value is not None
        }
    )
    return variables


@routes.post("/nlg")
async def generate(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    name = body.get("response") or body.get("template")
    if not isinstance(name, str) or not name:
        raise BadRequest("an NLG request names its response (response or template)")
    tracker, arguments = body.get("tracker"), body.get("arguments")
    slots = tracker.get("slots") if isinstance(tracker, dict) else None
    variables = text_variables(
        arguments if isinstance(arguments, dict) else {}, slots if isinstance(slots, dict) else {}
    )
    answer: dict[str, Any] = {"say": {"key": name, "vars": variables}}
    if understood := _understood(tracker):
        answer["understood"] = understood
    return web.json_response({"custom": answer})


def _understood(tracker: Any) -> dict[str, Any] | None:
    """The intent and confidence the NLU read in the shopper's latest message: they travel back
    with the response, to the helpdesk's event log (helpdesk/insights/events.py)."""
    latest = tracker.get("latest_message") if isinstance(tracker, dict) else None
    intent = latest.get("intent") if isinstance(latest, dict) else None
    if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
        return None
    confidence = intent.get("confidence")
    return {
        "intent": intent["name"],
        "confidence": float(confidence) if isinstance(confidence, int | float) else None,
    }
