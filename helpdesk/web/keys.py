"""The app keys of what create_app hands to every door: the settings and the one clock."""

from __future__ import annotations

from aiohttp import web

from helpdesk.clock import Clock
from helpdesk.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
CLOCK = web.AppKey("clock", Clock)
