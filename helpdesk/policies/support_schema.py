"""The schema of support.yml: agent teams, their hours and holidays, languages, escalation topics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time
from itertools import pairwise
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .fields import (
    Day,
    LanguageCode,
    Name,
    PolicyFile,
    PolicyModel,
    fail,
    timezone_name,
    whole_check,
)

_RANGE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])")
_HOURS = "opening hours such as 09:00-17:30, a list of them, or closed"


def _time_range(value: Any) -> tuple[time, time | None]:
    """ "09:00-17:30" -> (09:00, 17:30); an end of 24:00 is midnight, kept as None."""
    match = _RANGE.fullmatch(value.replace(" ", "")) if isinstance(value, str) else None
    if not match:
        fail(_HOURS, value)
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if h2 == 24 and m2:
        fail(_HOURS, value)
    start, end = time(h1, m1), (None if h2 == 24 else time(h2, m2))
    if end is not None and end <= start:
        fail(f"{_HOURS}; a range must end after it starts (no overnight ranges)", value)
    return start, end


def _day_hours(value: Any) -> tuple[tuple[time, time | None], ...]:
    if value == "closed" or value == []:
        return ()
    ranges = [value] if isinstance(value, str) else value
    if not isinstance(ranges, list):
        fail(_HOURS, value)
    return tuple(sorted(_time_range(item) for item in ranges))


DayHours = Annotated[tuple[tuple[time, time | None], ...], BeforeValidator(_day_hours)]


class WeeklyHours(PolicyModel):
    monday: DayHours = ()
    tuesday: DayHours = ()
    wednesday: DayHours = ()
    thursday: DayHours = ()
    friday: DayHours = ()
    saturday: DayHours = ()
    sunday: DayHours = ()

    def on(self, weekday: int) -> tuple[tuple[time, time | None], ...]:
        """Ranges for date.weekday() (0 = Monday)."""
        return getattr(self, list(WeeklyHours.model_fields)[weekday])


class Team(PolicyModel):
    timezone: Annotated[str, BeforeValidator(timezone_name)]
    languages: Annotated[tuple[LanguageCode, ...], Field(min_length=1)]
    hours: WeeklyHours
    holidays: tuple[Day, ...] = ()
    max_wait_minutes: Annotated[int, whole_check(1, 1440, "minutes")]


class SupportPolicy(PolicyFile):
    teams: Annotated[dict[Name, Team], Field(min_length=1)]
    fallback_team: Name
    always_human: tuple[Name, ...] = ()

    def problems(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        if self.fallback_team not in self.teams:
            yield (
                ("fallback_team",),
                f"is {self.fallback_team!r}, which is not one of teams ({', '.join(self.teams)})",
            )
        for name, team in self.teams.items():
            for index, ranges in enumerate(team.hours.on(day) for day in range(7)):
                for (_, end), (start, _) in pairwise(ranges):
                    if end is None or end > start:
                        day = list(WeeklyHours.model_fields)[index]
                        yield ("teams", name, "hours", day), "has ranges that overlap"
