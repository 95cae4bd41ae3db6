"""Time between two instants as a shopper waits it (calendar time) or as a support team works it
(business time: the team's weekly hours in its time zone, less its public holidays, from
policies/support.yml)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from itertools import accumulate
from zoneinfo import ZoneInfo

from helpdesk.policies.support_schema import SupportPolicy, Team

NOTHING = timedelta(0)


class Hours(StrEnum):
    BUSINESS = "business"
    CALENDAR = "calendar"


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def team_rules(support: SupportPolicy | None, team: str | None) -> Team | None:
    """The team's rules; a team support.yml no longer lists (or none) is the fallback team's."""
    if support is None:
        return None
    return support.teams.get(team or "") or support.teams.get(support.fallback_team)


def elapsed(
    start: datetime, end: datetime, *, hours: Hours, team: Team | TeamHours | None
) -> timedelta:
    """From `start` to `end` in calendar time, or in `team`'s business time. Without a team (no
    valid support.yml) business time cannot be told, and calendar time is given."""
    if hours == Hours.CALENDAR or team is None:
        # In UTC: two moments of one zone subtract as wall-clock times, blind to DST changes.
        return max(end.astimezone(UTC) - start.astimezone(UTC), NOTHING)
    return (team if isinstance(team, TeamHours) else TeamHours(team)).between(start, end)


def business_time(team: Team, start: datetime, end: datetime) -> timedelta:
    """The part of [start, end) that falls in the team's opening hours."""
    return TeamHours(team).between(start, end)


class TeamHours:
    """A team's opening hours as instants, each day worked out once: the KPIs time thousands of
    hand-overs in the hours of a handful of teams."""

    def __init__(self, team: Team) -> None:
        self.team, self.zone = team, _zone(team.timezone)
        self._days: dict[date, list[tuple[datetime, datetime]]] = {}
        # The timeline of seconds_between: each opening span's start and end (seconds since
        # 1970), the opening seconds before it, and the days and moments it covers.
        self._opens: list[float] = []
        self._closes: list[float] = []
        self._before: list[float] = []
        self._days_covered = (date.max, date.min)
        self._covered = (0.0, 0.0)

    def between(self, start: datetime, end: datetime) -> timedelta:
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("give aware datetimes (with a time zone)")
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        total = NOTHING
        day, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        while day <= last and start < end:
            for opens, closes in self.spans(day):
                total += max(min(closes, end) - max(opens, start), NOTHING)
            day += timedelta(days=1)
        return total

    def seconds_between(self, start: float, end: float) -> float:
        """As `between`, on seconds since 1970, in constant time: the opening seconds up to
        each moment are read off a running total of the opening hours, found by bisection."""
        if end <= start:
            return 0.0
        return self._open_until(end) - self._open_until(start)

    def _open_until(self, moment: float) -> float:
        """The opening seconds from the start of the timeline up to `moment`."""
        if not self._covered[0] <= moment < self._covered[1]:
            self._cover(moment)
        i = bisect_right(self._opens, moment) - 1
        if i < 0:
            return 0.0
        return self._before[i] + min(moment, self._closes[i]) - self._opens[i]

    def _cover(self, moment: float) -> None:
        """Lays the timeline over the days around `moment` too (a fortnight more each way)."""
        day = datetime.fromtimestamp(moment, self.zone).date()
        first = min(self._days_covered[0], day) if self._opens else day
        last = max(self._days_covered[1], day) if self._opens else day
        first, last = first - timedelta(days=14), last + timedelta(days=14)
        spans = [
            (opens.timestamp(), closes.timestamp())
            for each in range((last - first).days + 1)
            for opens, closes in self.spans(first + timedelta(days=each))
        ]
        self._opens = [opens for opens, _ in spans]
        self._closes = [closes for _, closes in spans]
        self._before = list(accumulate((closes - opens for opens, closes in spans), initial=0.0))
        self._days_covered = (first, last)
        self._covered = (
            _midnight(first, self.zone),
            _midnight(last + timedelta(days=1), self.zone),
        )

    def spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The opening hours on `day` (the team's calendar day) as UTC instants; none on a
        holiday."""
        if day not in self._days:
            self._days[day] = list(opening_spans(self.team, day))
        return self._days[day]


def opening_spans(team: Team, day: date) -> Iterator[tuple[datetime, datetime]]:
    """The team's opening hours on `day` (its own calendar day) as instants; none on a holiday."""
    if day in team.holidays:
        return
    zone = _zone(team.timezone)
    for start, end in team.hours.on(day.weekday()):
        yield _instant(day, start, zone), _instant(day, end, zone)


def _instant(day: date, moment: time | None, zone: ZoneInfo) -> datetime:
    """`moment` on `day` in `zone` (None: the midnight that ends the day); a time a DST change
    skips moves on to the first real one, as in policies/support.py."""
    local = datetime.combine(day + timedelta(days=moment is None), moment or time(0), tzinfo=zone)
    return local.astimezone(UTC)


def _midnight(day: date, zone: ZoneInfo) -> float:
    return datetime.combine(day, time(0), tzinfo=zone).timestamp()
