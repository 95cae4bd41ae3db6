"""The one clock: every rule that depends on "now" (support hours, routing, lock-outs, ages,
expiries) reads it here, and tests set it to the instant they are about."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The wall clock, for what records when a row was made; rules ask a Clock."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Clock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return utcnow()

    def today(self, zone: str | None = None) -> date:
        """The date now, in UTC or in a named time zone (a shop's, a team's)."""
        now = self.now()
        return (now.astimezone(ZoneInfo(zone)) if zone else now).date()


class SetClock(Clock):
    """A clock set to an instant that then runs on at the real pace, so that timeouts, waits and
    the order of events behave as they do in production. `advance` jumps ahead (days, say)."""

    def __init__(self, instant: datetime) -> None:
        self.set(instant)

    def now(self) -> datetime:
        return self._instant + timedelta(seconds=time.monotonic() - self._set_at)

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("set the clock to an aware instant (with a time zone)")
        self._instant = instant.astimezone(UTC)
        self._set_at = time.monotonic()

    def advance(self, delta: timedelta) -> None:
        self._instant += delta
