"""The errors a client can cause, as domain exceptions: each knows its HTTP status and a stable
code, and web/middleware.py turns it into a JSON answer. Nothing here knows about HTTP servers."""

from __future__ import annotations

import math
from typing import Any


class HelpdeskError(Exception):
    """Base of the errors a client can cause; `status` is the HTTP status it maps to."""

    status = 400
    code = "error"  # a stable name for clients that act on the kind of error
    headers: dict[str, str] | None = None  # Retry-After, say
    extra: dict[str, Any] | None = None  # more fields of the JSON body

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(HelpdeskError):
    status = 400
    code = "bad_request"


class Unauthorized(HelpdeskError):
    status = 401
    code = "unauthorized"


class Forbidden(HelpdeskError):
    status = 403
    code = "forbidden"


class NotFound(HelpdeskError):
    status = 404
    code = "not_found"


class ConversationNotFound(NotFound):
    pass


class RequestTimeout(HelpdeskError):
    status = 408
    code = "body_timeout"


class TooManyRequests(HelpdeskError):
    status = 429
    code = "rate_limited"

    def __init__(self, what: str, wait: float) -> None:
        self.retry_after = max(1, math.ceil(wait))
        super().__init__(f"{what}; please wait {self.retry_after} seconds and try again")
        self.headers = {"Retry-After": str(self.retry_after)}
        self.extra = {"retry_after": self.retry_after}


class Unavailable(HelpdeskError):
    status = 503
    code = "unavailable"
