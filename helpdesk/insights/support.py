"""The support KPIs, computed from the conversation event log alone (insights/events.py).

Every figure counts the conversations *opened* in the period (UTC days), with all that happened
to them up to now: a figure for last week can still move while its conversations go on.

Groups (--by): a conversation belongs to one group of each dimension:
- language: its language at the bot's first answer (what the shopper wrote in), else when opened;
- intent: the first topic the NLU read in it (greetings, thanks, yes and no, the fallback and
  "a person, please" are no topic), else "none";
- team: the team of the first queue it waited in, else "none" (never handed over);
- agent: the first agent who claimed it, else "none";
- market: the market (payments.yml) of the country of the first order it proved, or of the latest
  order of a shopper the shop signed in, else "unknown".

The KPIs:
- automation rate: conversations the bot resolved (insights/bot_resolutions.py) and that never
  went to a person ÷ conversations;
- hand-over rate: conversations escalated to a person ÷ conversations;
- durable resolution rate: conversations with a resolution (by the bot or an agent) that 7 days
  later had not been reopened ÷ conversations (so it is final a week after the period);
- reopen rate: resolved conversations reopened within 7 days of a resolution ÷ resolved ones;
- fallback rate: the bot's turns in which it did not understand ÷ its turns;
- hand-over intents: the topics of the conversations handed over, most frequent first;
- time to first human reply: from an escalation to the first reply of a person (median, p90);
- resolution time: from an escalation to its resolution by an agent (median, p90);
- queue wait: from entering a team's queue (escalated or transferred) to a claim (median, p90);
- answered in time: waits claimed within the team's max_wait_minutes (support.yml) ÷ waits
  claimed, plus waits unclaimed for longer than that;
- CSAT: ratings of 4 or 5 ÷ ratings (a resolution's newest rating counts, once);
- response rate: ratings ÷ resolutions (each resolution asks for a rating);
- comments: ratings with a comment (their texts: `comments`).
Times are in the business hours of the team that had the conversation (support.yml: its hours,
time zone and public holidays) or in calendar hours; medians and p90 interpolate between the two
nearest values (as PostgreSQL's percentile_cont).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache, partial
from typing import Any

from sqlalchemy.engine import Result
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.models import Agent
from helpdesk.insights import facts, rollup, rollup_read
from helpdesk.insights import support_sql as sql
from helpdesk.insights.answers import Comment, Durations, IntentCount, SupportKpis
from helpdesk.insights.collector import held_off
from helpdesk.insights.conversation_sql import REOPEN_WINDOW, Dimension
from helpdesk.insights.events import EventKind
from helpdesk.insights.hours import Hours
from helpdesk.insights.sql import for_reports
from helpdesk.insights.tally import Tally, Timer
from helpdesk.policies.markets import Market, market_of
from helpdesk.policies.support_schema import SupportPolicy

NONE, UNKNOWN, ALL = "none", "unknown", "all"
TOP_INTENTS = 5


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"  # from Monday
    MONTH = "month"
    RANGE = "range"  # the whole range as one period, named by its first day


@dataclass
class Scope:
    """What the KPIs are asked for."""

    start: date  # the first day
    end: date  # the last day (included)
    period: Period = Period.MONTH
    by: Dimension | None = None
    hours: Hours = Hours.BUSINESS
    support: SupportPolicy | None = None
    markets: Mapping[str, Market] = field(default_factory=dict)

    @property
    def instants(self) -> tuple[datetime, datetime]:
        return _midnight(self.start), _midnight(self.end + timedelta(days=1))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


async def support_kpis(session: AsyncSession, scope: Scope, *, now: datetime) -> list[SupportKpis]:
    """The KPIs per period and group, oldest period first. Closed days come from the daily
    roll-up (folded on first read), the others from the facts and the log, as they are now."""
    recent = await facts.recent(await session.connection())
    today = now.astimezone(UTC).date()
    support = scope.support
    await rollup.fold(session, scope.start, scope.end, today=today, recent=recent, support=support)
    connection = await for_reports(session)
    rolled = await rollup_read.read(
        connection,
        scope.start,
        scope.end,
        scope.by,
        support=support,
        now=now,
        recent=recent,
        hours=scope.hours,
    )
    tallies: dict[tuple[date, Any], Tally] = defaultdict(Tally)
    rollup_read.add_up(
        rolled.rows,
        lambda day, group: tallies[_key(scope, day, group)],
        (now - REOPEN_WINDOW).timestamp(),
    )
    timer = Timer(support, scope.hours, now)
    live = partial(_not_in, rolled.days)
    for start, end in rolled.live_ranges(*scope.instants):
        outcomes = sql.outcomes(start, end, scope.by, now=now, recent=recent)
        _add_outcomes(tallies, scope, await connection.execute(outcomes), live)
        timed = sql.timed_steps(start, end, scope.by, recent)
        _add_steps(tallies, scope, timer, await connection.execute(timed), live)
    if rolled.days:
        steps = rollup_read.live_steps(*scope.instants, scope.by, recent)
        waits = await connection.execute(steps)
        _add_steps(tallies, scope, timer, waits, rolled.days.__contains__)
    names = await group_names(session, scope, {group for _, group in tallies})
    return _answers(tallies, names)


@held_off
def _answers(tallies: dict[tuple[date, Any], Tally], names: dict[Any, str]) -> list[SupportKpis]:
    """The KPIs of each period and group named, in order."""
    named: dict[tuple[date, str], Tally] = {}
    for (period, group), tally in tallies.items():
        # A market's countries are one group, as the drill-down reads it (and so is any
        # group named alike: "none").
        if (key := (period, names[group])) in named:
            named[key].absorb(tally)
        else:
            named[key] = tally
    return sorted(
        (_kpis(period, name, tally) for (period, name), tally in named.items()),
        key=lambda kpis: (kpis.period, kpis.group),
    )


@held_off
def _add_outcomes(
    tallies: dict[tuple[date, Any], Tally],
    scope: Scope,
    rows: Result,
    among: Callable[[str], bool],
) -> None:
    """The (day, group, topic, counts…) rows of the days `among` says."""
    counted = list(rows.keys())[3:]  # after day, group and topic: the counts
    for day, group, topic, *counts in rows:
        if not among(str(day)[:10]):
            continue
        # Tens of thousands of rows for a year split by a dimension: added one by one, since
        # Counter.update of a dict per row would cost more than the query.
        tally = tallies[_key(scope, day, group)]
        for name, count in zip(counted, counts, strict=True):
            if count:
                tally.counts[name] += count
                if name == "handed_over":
                    tally.topics[topic or NONE] += count


@held_off
def _add_steps(
    tallies: dict[tuple[date, Any], Tally],
    scope: Scope,
    timer: Timer,
    rows: Result,
    among: Callable[[str], bool],
) -> None:
    """The (day, group, kind, team, started, ended) steps of the days `among` says."""
    for day, group, *step in rows:
        if among(str(day)[:10]):
            timer.tally(tallies[_key(scope, day, group)], step)


def _not_in(days: set[str], day: str) -> bool:
    return day not in days


async def comments(session: AsyncSession, scope: Scope) -> list[Comment]:
    """The comments of the ratings that count, oldest first."""
    start, end = scope.instants
    connection = await for_reports(session)
    recent = await facts.recent(connection)
    rows = sorted(
        await connection.execute(sql.comments(start, end, scope.by, recent)),
        key=lambda row: (row.at, row.conversation_id),
    )
    names = await group_names(session, scope, {row.grp for row in rows})
    return [
        Comment(
            period=_period_of(scope, row.day),
            group=names[row.grp],
            conversation_id=row.conversation_id,
            at=row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC),
            rating=row.rating,
            comment=str((row.detail or {}).get("comment", "")),
        )
        for row in rows
    ]


def _key(scope: Scope, day: Any, group: Any) -> tuple[date, Any]:
    return _period_of(scope, day), group if scope.by else ALL


def _period_of(scope: Scope, day: Any) -> date:
    """The first day of the period a UTC day ('YYYY-MM-DD') falls in."""
    return _first_day(scope.period, scope.start, str(day)[:10])


@lru_cache(maxsize=4096)  # the same few hundred days, asked once per row of each query
def _first_day(period: Period, start: date, day: str) -> date:
    first = date.fromisoformat(day)
    if period == Period.RANGE:
        return start
    if period == Period.WEEK:
        return first - timedelta(days=first.weekday())
    if period == Period.MONTH:
        return first.replace(day=1)
    return first


async def group_names(session: AsyncSession, scope: Scope, groups: Iterable[Any]) -> dict[Any, str]:
    """What each group is called: agents by email, countries by their market."""
    groups = set(groups)
    if scope.by == Dimension.AGENT:
        ids = [group for group in groups if group is not None]
        agents = await session.exec(select(Agent).where(col(Agent.id).in_(ids)))
        emails = {agent.id: agent.email for agent in agents}
        return {group: emails.get(group, NONE if group is None else str(group)) for group in groups}
    if scope.by == Dimension.MARKET:
        return {group: market_of(scope.markets, group or "") or UNKNOWN for group in groups}
    return {group: NONE if group is None else str(group) for group in groups}


def _kpis(period: date, group: str, tally: Tally) -> SupportKpis:
    count, times = tally.counts.get, tally.times.get  # a count never added is 0, not a key
    conversations, automated = count("conversations", 0), count("automated", 0)
    handed_over, durable = count("handed_over", 0), count("durable", 0)
    resolved, reopened = count("resolved", 0), count("reopened", 0)
    bot_turns, fallbacks = count("bot_turns", 0), count("fallbacks", 0)
    judged, in_time = count("waits_judged", 0), count("answered_in_time", 0)
    ratings, satisfied = count("ratings", 0), count("satisfied", 0)
    resolutions = count("resolutions", 0)
    topics = sorted(tally.topics.items(), key=lambda item: (-item[1], item[0]))[:TOP_INTENTS]
    return SupportKpis(
        period=period,
        group=group,
        conversations=conversations,
        automated=automated,
        automation_rate=ratio(automated, conversations),
        handed_over=handed_over,
        handover_rate=ratio(handed_over, conversations),
        durable=durable,
        durable_resolution_rate=ratio(durable, conversations),
        resolved=resolved,
        reopened=reopened,
        reopen_rate=ratio(reopened, resolved),
        bot_turns=bot_turns,
        fallbacks=fallbacks,
        fallback_rate=ratio(fallbacks, bot_turns),
        handover_intents=[IntentCount(intent=topic, handovers=n) for topic, n in topics],
        first_human_reply=durations(times(EventKind.FIRST_AGENT_REPLY, ())),
        resolution_time=durations(times(EventKind.RESOLVED, ())),
        queue_wait=durations(times(EventKind.CLAIMED, ())),
        waits_judged=judged,
        answered_in_time=in_time,
        answered_in_time_rate=ratio(in_time, judged),
        ratings=ratings,
        satisfied=satisfied,
        csat=ratio(satisfied, ratings),
        resolutions=resolutions,
        response_rate=ratio(ratings, resolutions),
        comments=count("comments", 0),
    )


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def durations(seconds: Iterable[float]) -> Durations:
    ordered = sorted(seconds)
    return Durations(
        count=len(ordered),
        median_seconds=percentile(ordered, 0.5),
        p90_seconds=percentile(ordered, 0.9),
    )


def percentile(ordered: list[float], share: float) -> float | None:
    """Linear between the two nearest ranks, as PostgreSQL's percentile_cont."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * share
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)
