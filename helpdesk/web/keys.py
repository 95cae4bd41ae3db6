"""The app keys of what create_app hands to every door: the settings, the one clock, the texts
and the live events."""

from __future__ import annotations

from aiohttp import web

from helpdesk.clock import Clock
from helpdesk.languages.locales import Locales
from helpdesk.live.events import EventHub
from helpdesk.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
CLOCK = web.AppKey("clock", Clock)
LOCALES = web.AppKey("locales", Locales)  # every text a person reads, per language
EVENTS = web.AppKey("events", EventHub)  # live events, in one process or across replicas
