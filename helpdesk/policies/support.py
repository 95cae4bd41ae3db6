"""Answers from support.yml: are agents open now, when they open next, what always goes to a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from helpdesk.languages.tags import base_language

from .errors import UnknownName
from .support_schema import SupportPolicy, Team

_SEARCH_DAYS = 400  # long enough to pass any run of holidays


@dataclass(frozen=True)
class Availability:
    """Whether `team` has agents at work now; if so until when, if not when it next opens.

    Times are aware datetimes in the team's time zone; `next_open` is None for a team with no hours.
    """

    team: str
    open: bool
    closes_at: datetime | None = None
    next_open: datetime | None = None


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _team(policy: SupportPolicy, name: str) -> Team:
    if name not in policy.teams:
        raise UnknownName("team", name)
    return policy.teams[name]


def teams_for_language(policy: SupportPolicy, language: str) -> tuple[str, ...]:
    """Teams answering in `language` (ISO 639-1; "pt-BR" counts as pt), else the fallback team."""
    base = base_language(language)
    speaking = tuple(name for name, team in policy.teams.items() if base in team.languages)
    return speaking or (policy.fallback_team,)


def _at(day: date, moment: time | None, zone: ZoneInfo) -> datetime:
    """`moment` on `day` in `zone`; None is the midnight ending the day. Times skipped by a DST
    change move forward to the first real time."""
    local = datetime.combine(day + timedelta(days=moment is None), moment or time(0), tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone)


def team_availability(policy: SupportPolicy, team: str, now: datetime) -> Availability:
    """Whether `team` is open at `now` (an aware datetime), by its weekly hours and holidays."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    rules = _team(policy, team)
    zone = _zone(rules.timezone)
    now = now.astimezone(UTC)  # compare instants, never wall-clock times
    local = now.astimezone(zone)
    for offset in range(_SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        if day in rules.holidays:
            continue
        for start, end in rules.hours.on(day.weekday()):
            opens, closes = _at(day, start, zone), _at(day, end, zone)
            if opens <= now < closes:
                return Availability(team, True, closes_at=closes)
            if opens > now:
                return Availability(team, False, next_open=opens)
    return Availability(team, False)


def availability(
    policy: SupportPolicy, now: datetime, *, language: str | None = None, team: str | None = None
) -> Availability:
    """For a team, or for the teams answering `language`: an open team if any, else the one opening
    soonest."""
    if (language is None) == (team is None):
        raise ValueError("give exactly one of language or team")
    names = (team,) if team is not None else teams_for_language(policy, language or "")
    answers = [team_availability(policy, name, now) for name in names]
    for answer in answers:
        if answer.open:
            return answer
    scheduled = [answer for answer in answers if answer.next_open is not None]
    return min(scheduled, key=lambda answer: answer.next_open or now, default=answers[0])


def always_human(policy: SupportPolicy, topic: str) -> bool:
    """Whether conversations about `topic` always go to a person."""
    return topic in policy.always_human


def queue_wait_limit(policy: SupportPolicy, team: str) -> timedelta:
    """How long a conversation may wait in `team`'s queue before it is flagged."""
    return timedelta(minutes=_team(policy, team).max_wait_minutes)


def wait_too_long(policy: SupportPolicy, team: str, waited: timedelta) -> bool:
    return waited > queue_wait_limit(policy, team)
