"""What every HTTP door shares: the middleware that answers every error as JSON
({"error": what to fix, "code": a stable name}), and reading JSON bodies safely."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from helpdesk.errors import BadRequest, HelpdeskError, RequestTimeout

log = logging.getLogger(__name__)
# aiohttp's own refusals (no such route, wrong method, too large), by the same names.
HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 400: "bad_request"}
# A client announcing a body it never sends must not hold a request (and its memory) forever.
BODY_TIMEOUT_SECONDS = 10.0
MAX_DEPTH = 32  # no request of ours nests deeper; deeper is an attack on the parser


def error_response(error: HelpdeskError) -> web.Response:
    """The one shape of every error answer."""
    response = _json_error(error.status, error.message, code=error.code, **(error.extra or {}))
    response.headers.update(error.headers or {})
    return response


def _json_error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler):
    try:
        return await handler(request)
    except HelpdeskError as error:
        return error_response(error)
    except web.HTTPException as error:
        if error.status < 400 or error.content_type == "application/json":
            raise
        response = _json_error(
            error.status, error.reason, code=HTTP_CODES.get(error.status, "error")
        )
        response.headers.update(
            {
                name: value
                for name, value in error.headers.items()
                if name not in ("Content-Type", "Content-Length")
            }
        )  # Allow, say
        return response
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _json_error(500, "internal error; it has been logged", code="internal")


def _describe(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "body"
        parts.append(f"{where}: {problem['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def _unicode_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate (like \\ud800): send valid Unicode"
    return None


def check_plain_json(value: Any) -> None:
    """Refuse what no client of ours sends and what breaks storage later: nesting deeper than
    MAX_DEPTH, NUL characters and unpaired surrogates in any key or string."""
    pending: list[tuple[Any, int, str]] = [(value, 0, "body")]
    while pending:
        item, depth, where = pending.pop()
        if depth > MAX_DEPTH:
            raise BadRequest(f"the JSON is nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, str):
            if problem := _unicode_problem(item):
                raise BadRequest(f"{where} {problem}")
        elif isinstance(item, dict):
            for key, child in item.items():
                if problem := _unicode_problem(key):
                    raise BadRequest(f"a key in {where} {problem}")
                pending.append((child, depth + 1, f"{where}.{key}"[:80]))
        elif isinstance(item, list):
            pending.extend(
                (child, depth + 1, f"{where}[{index}]") for index, child in enumerate(item)
            )


async def read_body(request: web.Request) -> bytes:
    """The request's body, within BODY_TIMEOUT_SECONDS (408 otherwise)."""
    try:
        async with asyncio.timeout(BODY_TIMEOUT_SECONDS):
            return await request.read()
    except TimeoutError:
        raise RequestTimeout(
            f"the body did not arrive within {BODY_TIMEOUT_SECONDS:g} seconds"
        ) from None


def loads_plain(raw: bytes | str, **options: Any) -> Any:
    """JSON text as Python values, or a 400 that says what is wrong with it."""
    try:
        value = json.loads(raw, **options)
    except RecursionError:
        raise BadRequest(f"the JSON is nested more than {MAX_DEPTH} levels deep") from None
    except (ValueError, UnicodeDecodeError):  # JSONDecodeError is a ValueError
        raise BadRequest("the body is not valid JSON") from None
    check_plain_json(value)
    return value


async def read_json_object(request: web.Request) -> dict[str, Any]:
    body = loads_plain(await read_body(request))
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


async def parse_json(request: web.Request, model):
    """The request body as `model`, or a 400 that says what is wrong with it."""
    body = await read_json_object(request)
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise BadRequest(_describe(error)) from None
