"""Which browser origins may talk to the service: its own, and the shop's (ALLOWED_ORIGINS)."""

from __future__ import annotations

from aiohttp import web

from helpdesk.clock import Clock
from helpdesk.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
CLOCK = web.AppKey("clock", Clock)  # the app's one clock, for handlers that need "now"


def origin_allowed(request: web.Request, origin: str) -> bool:
    """The page's origin is the service itself (whatever address it was reached at) or listed."""
    from helpdesk.web.client import client_scheme  # the scheme needs SETTINGS, defined here

    origin = origin.rstrip("/")
    own = f"{client_scheme(request)}://{request.host}"
    return origin == own or origin in request.app[SETTINGS].origins
