"""The Rasa action webhook, served inside the helpdesk by rasa-sdk's executor (on Rasa's private
listener, helpdesk/rasa_callbacks.py)."""

from __future__ import annotations

import json
import logging
from datetime import date
from decimal import Decimal
from functools import partial

from aiohttp import web
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)

from bot.actions.services import ShopServices, use_services
from helpdesk.errors import BadRequest, read_json_object

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
EXECUTOR = web.AppKey("action_executor", ActionExecutor)
SERVICES = web.AppKey("shop_services", ShopServices)
ACTIONS_PACKAGE = "bot.actions"


def _plain(value):
    """Amounts and dates from the shop's data travel to Rasa as text ("12.50", "2026-11-25")."""
    if isinstance(value, (Decimal, date)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


dumps = partial(json.dumps, default=_plain)


def action_executor() -> ActionExecutor:
    executor = ActionExecutor()
    executor.register_package(ACTIONS_PACKAGE)
    return executor


# The slots of bot/domain.yml: all text. A value of another type (a payload's made-up entity,
# say) reaches the actions as no value at all rather than crash them.
TEXT_SLOTS = {"order_number", "email", "postal_code", "country", "product", "topic"}


def checked_call(call: dict) -> dict:
    """Rasa's call, its shape checked (400 otherwise) and the shopper's values made plain text."""
    tracker = call.get("tracker")
    if not isinstance(call.get("next_action"), str) or not isinstance(tracker, dict):
        raise BadRequest("an action call names next_action and carries the tracker")
    slots = tracker.get("slots") if isinstance(tracker.get("slots"), dict) else {}
    tracker["slots"] = {name: (None if name in TEXT_SLOTS and not isinstance(value, str) else value)
                        for name, value in slots.items()}
    latest = tracker.get("latest_message") if isinstance(tracker.get("latest_message"), dict) else {}
    latest["entities"] = [entity for entity in latest.get("entities") or []
                          if isinstance(entity, dict) and isinstance(entity.get("entity"), str)
                          and isinstance(entity.get("value"), str)]
    if not isinstance(latest.get("text"), str | None):
        latest["text"] = None
    tracker["latest_message"] = latest
    tracker["sender_id"] = str(tracker.get("sender_id") or call.get("sender_id") or "")
    if not isinstance(tracker.get("events"), list):
        tracker["events"] = []
    return call


@routes.post("/webhook")
async def run_action(request: web.Request) -> web.Response:
    call = checked_call(await read_json_object(request))
    try:
        with use_services(request.app[SERVICES]):
            result = await request.app[EXECUTOR].run(call)
    except ActionExecutionRejection as rejection:
        return web.json_response({"error": rejection.message, "action_name": rejection.action_name},
                                 status=400)
    except ActionNotFoundException as missing:
        log.error("Rasa asked for an action the helpdesk does not have: %s", missing.action_name)
        return web.json_response({"error": missing.message, "action_name": missing.action_name},
                                 status=404)
    except ActionMissingDomainException as no_domain:
        # 449 tells Rasa to send the call again with its domain.
        return web.json_response({"error": no_domain.message, "action_name": no_domain.action_name},
                                 status=449)
    return web.json_response(result.model_dump() if result else None, dumps=dumps)
