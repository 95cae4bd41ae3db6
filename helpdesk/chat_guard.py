"""What guards the public chat API: only the shop's origins (CORS), and rate limits per session
and per address, so one script or one visitor cannot flood the bot, the agents or the database."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from helpdesk.client import client_address
from helpdesk.origins import origin_allowed

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
MESSAGES_PER_SESSION = Limit(burst=20, seconds=60)
MESSAGES_PER_ADDRESS = Limit(burst=120, seconds=60)
MAX_TRACKED_KEYS = 100_000


class RateLimiter:
    """Token buckets by key, in memory (each replica limits on its own)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}

    def wait_needed(self, kind: str, key: str, limit: Limit) -> float:
        """0 when the request may go ahead (and is counted); else the seconds to wait."""
        now = self.clock()
        rate = limit.burst / limit.seconds
        tokens, then = self._buckets.get((kind, key), (float(limit.burst), now))
        tokens = min(float(limit.burst), tokens + (now - then) * rate)
        if tokens < 1:
            self._buckets[(kind, key)] = (tokens, now)
            return (1 - tokens) / rate
        if len(self._buckets) >= MAX_TRACKED_KEYS:
            self._buckets.clear()  # a flood of addresses must not exhaust memory
        self._buckets[(kind, key)] = (tokens - 1, now)
        return 0.0


RATE_LIMITER = web.AppKey("rate_limiter", RateLimiter)


def _too_many(wait: float, what: str) -> web.Response:
    seconds = max(1, math.ceil(wait))
    return web.json_response(
        {"error": f"{what}; please wait {seconds} seconds and try again", "retry_after": seconds},
        status=429, headers={"Retry-After": str(seconds)})


def _limits(request: web.Request) -> list[tuple[str, str, Limit, str]]:
    address = client_address(request)
    if request.method != "POST":
        return []
    if request.path == "/api/chat/sessions":
        return [("sessions", address, NEW_SESSIONS_PER_ADDRESS,
                 "too many new chats from your address")]
    if request.path.startswith("/api/chat/sessions/") and request.path.endswith("/messages"):
        session = request.match_info.get("session_id", request.path)
        return [("session", session, MESSAGES_PER_SESSION, "you are sending messages very fast"),
                ("address", address, MESSAGES_PER_ADDRESS, "too many messages from your address")]
    return []


@web.middleware
async def chat_guard(request: web.Request, handler):
    if not request.path.startswith(PUBLIC_PREFIXES):
        return await handler(request)
    origin = request.headers.get("Origin")
    if origin is not None and not origin_allowed(request, origin):
        return web.json_response(
            {"error": f"this chat does not accept requests from {origin}: add it to "
                      "ALLOWED_ORIGINS on the helpdesk"}, status=403)
    if request.method == "OPTIONS":  # the browser's preflight for a cross-origin shop page
        response = web.Response(status=204)
    else:
        limiter = request.app[RATE_LIMITER]
        for kind, key, limit, what in _limits(request):
            wait = limiter.wait_needed(kind, key, limit)
            if wait:
                return _too_many(wait, what)
        response = await handler(request)
    if origin is not None and not response.prepared:
        response.headers.update({"Access-Control-Allow-Origin": origin, "Vary": "Origin",
                                 **CORS_HEADERS})
    return response
