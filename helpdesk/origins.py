"""Which browser origins may talk to the service: its own, and the shop's (ALLOWED_ORIGINS)."""

from __future__ import annotations

from aiohttp import web

from helpdesk.clock import Clock
from helpdesk.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
CLOCK = web.AppKey("clock", Clock)  # the app's one clock, for handlers that need "now"


def origin_allowed(request: web.Request, origin: str) -> bool:
    """The page's origin is the service itself (whatever address it was reached at) or listed."""
    origin = origin.rstrip("/")
    own = f"{request.scheme}://{request.host}"
    return origin == own or origin in request.app[SETTINGS].origins
