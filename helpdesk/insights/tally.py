"""The sums of one period and group of the support KPIs, and the timing of hand-over steps in
the hours asked for (business hours of the team's support.yml, or calendar hours)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from helpdesk.insights.events import EventKind
from helpdesk.insights.hours import Hours, TeamHours, team_rules
from helpdesk.policies.support_schema import SupportPolicy

WAITS = frozenset({EventKind.CLAIMED, EventKind.QUEUED})


@dataclass
class Tally:
    """The sums of one period and group."""

    counts: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def add_step(self, kind: str, taken: float | None, judged: bool, in_time: bool) -> None:
        """A timed step (taken None: a wait still unclaimed), judged against the team's
        longest wait or not. Added one by one: Counter.update would cost more, per step."""
        if judged:
            self.counts["waits_judged"] += 1
            self.counts["answered_in_time"] += in_time
        if taken is not None:
            self.times[kind].append(taken)

    def absorb(self, other: Tally) -> None:
        """Adds the sums of `other` (another group of the same name) to these."""
        self.counts.update(other.counts)
        self.topics.update(other.topics)
        for kind, seconds in other.times.items():
            self.times[kind].extend(seconds)


class Timer:
    """Times the steps of hand-overs in the hours asked for; each team's hours worked out once.
    A year holds some 80,000 steps: each is taken apart once, and nothing is looked up twice."""

    def __init__(self, support: SupportPolicy | None, hours: Hours, now: datetime) -> None:
        self.support, self.now = support, now.timestamp()
        self.calendar = hours == Hours.CALENDAR
        self._teams: dict[str | None, tuple[TeamHours | None, float | None]] = {}

    def tally(self, tally: Tally, step: Any) -> None:
        tally.add_step(step[0], *self.judge(step))

    def judge(self, step: Any) -> tuple[float | None, bool, bool]:
        """A step is (kind, team, started, ended): (seconds it took, or None while a wait is
        unclaimed; whether it is judged against the team's max_wait_minutes; in time). A wait
        still unclaimed is judged only once it has lasted longer."""
        kind, team, started, ended = step
        hours, max_wait = self._team(team)
        taken = self._seconds(started, self.now if ended is None else ended, hours)
        judged = in_time = False
        if kind in WAITS and max_wait is not None:
            in_time = taken <= max_wait
            judged = ended is not None or not in_time
            in_time = ended is not None and in_time
        return (None if ended is None else taken), judged, in_time

    def _team(self, name: str | None) -> tuple[TeamHours | None, float | None]:
        """The team's hours and longest wait in seconds; (None, None) for no team's rules."""
        if name not in self._teams:
            team = team_rules(self.support, name)
            if team is None:
                self._teams[name] = (None, None)
            else:
                self._teams[name] = (TeamHours(team), team.max_wait_minutes * 60.0)
        return self._teams[name]

    def _seconds(self, started: float, ended: float, hours: TeamHours | None) -> float:
        """Rounded to the millisecond: the engines' date arithmetic is in floating point."""
        if self.calendar or hours is None:
            return round(max(ended - started, 0.0), 3)
        return round(hours.seconds_between(started, ended), 3)
