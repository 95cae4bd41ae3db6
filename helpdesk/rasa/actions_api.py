"""The Rasa action webhook, served inside the helpdesk by rasa-sdk's executor (on Rasa's private
listener, helpdesk/rasa/callbacks.py)."""

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
from helpdesk.errors import BadRequest, HelpdeskError
from helpdesk.web.middleware import read_json_object

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


class ActionCallError(HelpdeskError):
    """The answers of Rasa's action protocol: the status says what Rasa does next, and the body
    names the action."""

    def __init__(self, status: int, code: str, message: str, action_name: str | None) -> None:
        super().__init__(message)
        self.status, self.code, self.extra = status, code, {"action_name": action_name}


def checked_call(call: dict) -> dict:
    """Rasa's call, its shape checked (400 otherwise) and the shopper's values made plain text."""
    tracker = call.get("tracker")
    if not isinstance(call.get("next_action"), str) or not isinstance(tracker, dict):
        raise BadRequest("an action call names next_action and carries the tracker")
    slots = tracker.get("slots")
    if not isinstance(slots, dict):
        slots = {}
    tracker["slots"] = {
        name: (None if name in TEXT_SLOTS and not isinstance(value, str) else value)
        for name, value in slots.items()
    }
    latest = tracker.get("latest_message")
    if not isinstance(latest, dict):
        latest = {}
    latest["entities"] = [
        entity
        for entity in latest.get("entities") or []
        if isinstance(entity, dict)
        and isinstance(entity.get("entity"), str)
        and isinstance(entity.get("value"), str)
    ]
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
        raise ActionCallError(
            400, "action_rejected", rejection.message, rejection.action_name
        ) from None
    except ActionNotFoundException as missing:
        log.error("Rasa asked for an action the helpdesk does not have: %s", missing.action_name)
        raise ActionCallError(404, "no_such_action", missing.message, missing.action_name) from None
    except ActionMissingDomainException as no_domain:
        # 449 tells Rasa to send the call again with its domain.
        raise ActionCallError(
            449, "domain_missing", no_domain.message, no_domain.action_name
        ) from None
    return web.json_response(result.model_dump() if result else None, dumps=dumps)
