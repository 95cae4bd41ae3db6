"""Which browser origins may talk to the service: its own, and the shop's (ALLOWED_ORIGINS)."""

from __future__ import annotations

from aiohttp import web

from helpdesk.web.client import client_scheme
from helpdesk.web.keys import SETTINGS


def origin_allowed(request: web.Request, origin: str) -> bool:
    """The page's origin is the service itself (whatever address it was reached at) or listed."""

    origin = origin.rstrip("/")
    own = f"{client_scheme(request)}://{request.host}"
    return origin == own or origin in request.app[SETTINGS].origins
