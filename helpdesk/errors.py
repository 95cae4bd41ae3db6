"""Domain errors, and the one middleware that turns them into JSON HTTP answers."""

from __future__ import annotations

import json
import logging

from aiohttp import web
from pydantic import ValidationError

log = logging.getLogger(__name__)


class HelpdeskError(Exception):
    """Base of the errors a client can cause; `status` is the HTTP status it maps to."""

    status = 400
    code: str | None = None  # a stable name for clients that act on the kind of error

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(HelpdeskError):
    status = 400


class Unauthorized(HelpdeskError):
    status = 401


class ConversationNotFound(HelpdeskError):
    status = 404


def _json_error(status: int, message: str, **extra) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def _describe(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "body"
        parts.append(f"{where}: {problem['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


async def parse_json(request: web.Request, model):
    """The request body as `model`, or a 400 that says what is wrong with it."""
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise BadRequest(_describe(error)) from None


@web.middleware
async def error_middleware(request: web.Request, handler):
    try:
        return await handler(request)
    except HelpdeskError as error:
        return _json_error(error.status, error.message, **({"code": error.code} if error.code else {}))
    except web.HTTPException as error:
        if error.status < 400 or error.content_type == "application/json":
            raise
        return _json_error(error.status, error.reason)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _json_error(500, "internal error; it has been logged")
