"""What actions may use of the helpdesk, handed to them per call by the action webhook.

rasa-sdk builds action objects itself, with no arguments, so dependencies can't be passed to a
constructor; the webhook sets them for the duration of one call instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from helpdesk.clock import Clock
from helpdesk.database import Database
from helpdesk.policies.store import PolicyStore
from helpdesk.settings import Settings


@dataclass(frozen=True)
class ShopServices:
    settings: Settings
    database: Database
    policies: PolicyStore
    now: Callable[[], datetime] = field(default=Clock().now)  # the app's clock (tests set it)


_current: ContextVar[ShopServices] = ContextVar("shop_services")


@contextmanager
def use_services(services: ShopServices) -> Iterator[None]:
    token = _current.set(services)
    try:
        yield
    finally:
        _current.reset(token)


def services() -> ShopServices:
    try:
        return _current.get()
    except LookupError:
        raise RuntimeError("actions run only inside the helpdesk's action webhook") from None
