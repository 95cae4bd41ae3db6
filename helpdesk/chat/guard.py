"""What guards the public chat API: only the shop's origins (CORS), and rate limits per session
and per address, so one script or one visitor cannot flood the bot, the agents or the database."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from helpdesk.errors import Forbidden, TooManyRequests
from helpdesk.web.client import client_address
from helpdesk.web.middleware import error_response
from helpdesk.web.origins import origin_allowed

PUBLIC_PREFIXES = ("/api/chat/", "/widget.js")
CORS_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Max-Age": "600",
}


@dataclass(frozen=True)
class Limit:
    """`burst` requests at once, then one per `seconds / burst` on average."""

    burst: int
    seconds: float


# A person types a message every few seconds at most; a page opens a session once.
NEW_SESSIONS_PER_ADDRESS = Limit(burst=20, seconds=600)
MESSAGES_PER_ADDRESS = Limit(burst=120, seconds=60)
REQUESTS_PER_ADDRESS = Limit(burst=240, seconds=60)  # anything under /api/chat/, reads included
# Counted only once the session's token checked out: a stranger who knows a conversation's id
# cannot use up its shopper's budget.
SESSION_LIMITS = {
    "messages": (Limit(burst=20, seconds=60), "you are sending messages very fast"),
    "reads": (Limit(burst=60, seconds=60), "this conversation is being read very often"),
    "changes": (Limit(burst=10, seconds=60), "too many changes to this conversation"),
    "sockets": (Limit(burst=10, seconds=60), "this conversation reconnects very often"),
}
MAX_TRACKED_KEYS = 100_000


class RateLimiter:
    """Token buckets by key, in memory (each replica limits on its own). When too many keys are
    tracked, the ones least recently used are forgotten, never the whole table: a flood of new
    keys must not wipe every other client's count."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_TRACKED_KEYS
    ) -> None:
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    def wait_needed(self, kind: str, key: str, limit: Limit) -> float:
        """0 when the request may go ahead (and is counted); else the seconds to wait."""
        now = self.clock()
        rate = limit.burst / limit.seconds
        tokens, then = self._buckets.pop((kind, key), (float(limit.burst), now))
        tokens = min(float(limit.burst), tokens + (now - then) * rate)
        allowed = tokens >= 1
        self._buckets[(kind, key)] = (tokens - 1 if allowed else tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return 0.0 if allowed else (1 - tokens) / rate

    def __len__(self) -> int:
        return len(self._buckets)


class OriginNotAllowed(Forbidden):
    code = "origin_not_allowed"


RATE_LIMITER = web.AppKey("rate_limiter", RateLimiter)


def spend(request: web.Request, session_id: str, kind: str) -> None:
    """Count one `kind` of request for an authenticated session; 429 when it is over its limit."""
    limit, what = SESSION_LIMITS[kind]
    wait = request.app[RATE_LIMITER].wait_needed(kind, session_id, limit)
    if wait:
        raise TooManyRequests(what, wait)


def _limits(request: web.Request) -> list[tuple[str, Limit, str]]:
    """The per-address limits of a request, counted before anything else is done for it."""
    if not request.path.startswith("/api/chat/"):
        return []
    limits = [("requests", REQUESTS_PER_ADDRESS, "too many requests from your address")]
    if request.method == "POST" and request.path == "/api/chat/sessions":
        limits.append(
            ("sessions", NEW_SESSIONS_PER_ADDRESS, "too many new chats from your address")
        )
    elif request.method == "POST" and request.path.endswith("/messages"):
        limits.append(("address", MESSAGES_PER_ADDRESS, "too many messages from your address"))
    return limits


@web.middleware
async def chat_guard(request: web.Request, handler):
    if not request.path.startswith(PUBLIC_PREFIXES):
        return await handler(request)
    origin = request.headers.get("Origin")
    if origin is not None and not origin_allowed(request, origin):
        return error_response(
            OriginNotAllowed(
                f"this chat does not accept requests from {origin}: add it to ALLOWED_ORIGINS on the "
                "helpdesk"
            )
        )
    if request.method == "OPTIONS":  # the browser's preflight for a cross-origin shop page
        response = web.Response(status=204)
    else:
        limiter, address = request.app[RATE_LIMITER], client_address(request)
        for kind, limit, what in _limits(request):
            if wait := limiter.wait_needed(kind, address, limit):
                response = error_response(TooManyRequests(what, wait))
                break
        else:
            response = await handler(request)
    if origin is not None and not response.prepared:
        response.headers.update(
            {"Access-Control-Allow-Origin": origin, "Vary": "Origin", **CORS_HEADERS}
        )
    return response
