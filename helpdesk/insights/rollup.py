"""The daily roll-up of closed days: per UTC day the conversations opened in it, and per group of
each split, the sums the support KPIs are computed from (insights/support.py), folded once from
the conversations' facts and hand-over steps (insights/facts.py, steps.py), so that a year of
KPIs reads a few thousand rows instead of 100,000 facts and 80,000 steps.

Exact, never stale:
- a day's rows are those of its *generation*: the facts fold raises a day's generation in the
  same transaction as it writes the facts of a conversation opened that day (a late rating, a
  reopening), and rows of an older generation are never read; the day is read live until it is
  folded again. A folder reads the generation before the facts, so rows it writes from facts
  newer than their generation are only ever older than the day's: read live, not wrong;
- the rows of a day and generation are written in one transaction, and the same by any folder
  (two replicas at once: the second writes nothing), keyed by the support policy's fingerprint
  (business hours and longest waits come from support.yml, which the merchant may change);
- a split by market folds a signed-in shopper's conversation in the market of their latest
  order, which changes without an event: the orders' changes are noted and raise the
  generation of those days in turn (insights/rollup_orders.py), read live until then;
- what depends on the moment of asking is kept so that it can be asked: the moments each
  resolution held from (durable once the window has passed them), while waits still unclaimed
  are always read live;
- only closed days (before today by the one clock) with no recent conversation (one whose
  events are not all folded) are folded or read.
A migration that changes what the facts mean drops this table as it drops the facts.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement, FromClause
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.insights import facts, rollup_orders, steps
from helpdesk.insights.conversation_sql import EVENTS, Dimension
from helpdesk.insights.events import EventKind
from helpdesk.insights.hours import Hours
from helpdesk.insights.rollup_days import DAILY, DAYS, UNSPLIT, DailyRollup
from helpdesk.insights.sql import utc_day, writing
from helpdesk.insights.support_sql import outcome_counts
from helpdesk.insights.tally import Tally, Timer
from helpdesk.policies.support_schema import SupportPolicy

COUNTED = ["conversations", "automated", "handed_over", "resolved", "reopened", "resolutions"]
COUNTED += ["bot_turns", "fallbacks", "ratings", "satisfied", "comments"]
FOLD_DAYS = 31  # days computed and written per transaction
_NO_NOW = datetime.fromtimestamp(0, UTC)  # ended steps only: none is timed against now


def fingerprint(support: SupportPolicy | None) -> str:
    if support is None:
        return "none"
    return hashlib.sha256(support.model_dump_json().encode()).hexdigest()[:16]


def dimension_name(by: Dimension | None) -> str:
    return UNSPLIT if by is None else by.value


async def live_days(connection: AsyncConnection, recent: facts.Recent) -> set[str]:
    """The days read live: those the recent conversations opened on, and those of signed-in
    customers whose orders changed since the last fold. Asked before the rows are read: a fold
    that raises those days' generation in between leaves them live all the same."""
    days = await rollup_orders.changed_days(connection, facts.FACTS)
    if not recent.named:
        return days
    query = select(utc_day(EVENTS.c.at)).where(
        EVENTS.c.kind == EventKind.OPENED, EVENTS.c.conversation_id.in_(recent.named)
    )
    return days | {str(day)[:10] for (day,) in await connection.execute(query.distinct())}


async def fold(
    session: AsyncSession,
    first: date,
    last: date,
    *,
    today: date,
    recent: facts.Recent,
    support: SupportPolicy | None,
) -> int:
    """Folds the closed days from `first` to `last` with no recent conversation and no rows of
    their generation yet; how many. Commits after each batch of days."""
    if recent.named is None:
        return 0
    connection = await session.connection()
    last = min(last, today - timedelta(days=1))
    wanted = {str(first + timedelta(days=n)) for n in range((last - first).days + 1)}
    wanted -= await live_days(connection, recent)
    done = select(DAILY.c.day).join(DAYS, DAYS.c.day == DAILY.c.day, isouter=True)
    done = done.where(
        DAILY.c.fingerprint == fingerprint(support),
        DAILY.c.dimension == UNSPLIT,
        DAILY.c.day >= str(first),
        DAILY.c.day <= str(last),
        DAILY.c.generation == func.coalesce(DAYS.c.generation, 0),
    )
    wanted -= {day for (day,) in await connection.execute(done)}
    days = sorted(wanted)
    for start in range(0, len(days), FOLD_DAYS):
        await _fold(session, days[start : start + FOLD_DAYS], support)
        await session.commit()
    return len(days)


async def _fold(session: AsyncSession, days: list[str], support: SupportPolicy | None) -> None:
    """Computes the rows of `days` from their facts and steps, and writes them (the reads on a
    reader, the writes on SQLite's one writer)."""
    connection = await session.connection()
    query = select(DAYS.c.day, DAYS.c.generation).where(DAYS.c.day.in_(days))
    generations = {day: generation for day, generation in await connection.execute(query)}
    start, end = _midnight(days[0]), _midnight(days[-1]) + timedelta(days=1)
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for day in days:
        rows[day, UNSPLIT, "null"] = {"conversations": 0}
    for by in (None, *Dimension):
        for found in (await connection.execute(_counts(start, end, days, by))).mappings():
            row = rows.setdefault((found["day"], dimension_name(by), json.dumps(found["grp"])), {})
            for name in [*COUNTED, "held"]:
                row[name] = row.get(name, 0) + (found[name] or 0)
            held_until = found["held_until"]
            if held_until is not None and (row.get("held_until") or held_until) <= held_until:
                row["held_until"] = held_until
            topics = row.setdefault("topics", defaultdict(int))
            if found["handed_over"]:
                topics[found["topic"] or "none"] += found["handed_over"]
    await _held_from(connection, start, end, days, rows)
    await _time_steps(connection, start, end, days, support, rows)
    fp = fingerprint(support)
    values = [
        {
            "fingerprint": fp,
            "dimension": dimension,
            "day": day,
            "generation": generations.get(day, 0),
            "grp": grp,
            **{name: row.get(name, 0) for name in [*COUNTED, "held"]},
            "held_until": row.get("held_until"),
            "held_from": json.dumps(sorted(row.get("held_from", []))),
            "topics": json.dumps(row.get("topics", {}), sort_keys=True),
            "business": json.dumps(row.get(Hours.BUSINESS, {})),
            "calendar": json.dumps(row.get(Hours.CALENDAR, {})),
        }
        for (day, dimension, grp), row in sorted(rows.items())
    ]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    writer = await writing(session)
    await writer.execute(dialect.insert(DAILY).on_conflict_do_nothing(), values)
    current = select(DAYS.c.generation).where(DAYS.c.day == DAILY.c.day).scalar_subquery()
    await writer.execute(
        delete(DailyRollup).where(
            DAILY.c.day.in_(days), DAILY.c.generation < func.coalesce(current, 0)
        )
    )


def _counts(start: datetime, end: datetime, days: list[str], by: Dimension | None) -> Any:
    """Per (day, group, topic) of `by`: the counts, and those held and the latest held from."""
    where = [
        facts.FACTS.c.opened_at >= start,
        facts.FACTS.c.opened_at < end,
        facts.FACTS.c.day.in_(days),
    ]
    grp = facts.group_column(by, facts.FACTS)
    folding = select(facts.FACTS, grp.label("grp"), literal(0).label("durable")).where(*where)
    part = folding.subquery("folding")
    return outcome_counts(part).add_columns(
        func.count(part.c.durable_from).label("held"),
        func.max(part.c.durable_from).label("held_until"),
    )


def _groups_of(folded: FromClause) -> list[ColumnElement]:
    """A folded conversation's group of each dimension, in the order of Dimension."""
    return [facts.group_column(by, folded) for by in Dimension]


def _grouped(day: str, groups: Any) -> list[tuple[str, str, str]]:
    """The (day, dimension, group) rows a conversation of these groups counts in."""
    named = [(UNSPLIT, None), *zip((by.value for by in Dimension), groups, strict=True)]
    return [(day, dimension, json.dumps(grp)) for dimension, grp in named]


async def _held_from(
    connection: AsyncConnection,
    start: datetime,
    end: datetime,
    days: list[str],
    rows: dict[tuple[str, str, str], dict[str, Any]],
) -> None:
    """The moment each resolution that held began to hold from, into `rows` (seconds since
    1970: they compare as the moments do, to the microsecond)."""
    folded = facts.FACTS
    query = select(folded.c.day, *_groups_of(folded), folded.c.durable_from).where(
        folded.c.opened_at >= start,
        folded.c.opened_at < end,
        folded.c.day.in_(days),
        folded.c.durable_from.is_not(None),
    )
    for day, *groups, held in await connection.execute(query):
        moment = _utc(held).timestamp()
        for key in _grouped(day, groups):
            rows.setdefault(key, {}).setdefault("held_from", []).append(moment)


async def _time_steps(
    connection: AsyncConnection,
    start: datetime,
    end: datetime,
    days: list[str],
    support: SupportPolicy | None,
    rows: dict[tuple[str, str, str], dict[str, Any]],
) -> None:
    """The ended steps of the days' conversations, timed in both kinds of hours, into `rows`."""
    folded, stored = facts.FACTS.alias("folded"), steps.STEPS
    query = (
        select(
            stored.c.day,
            *_groups_of(folded),
            stored.c.kind,
            stored.c.team,
            stored.c.started,
            stored.c.ended,
        )
        .select_from(stored.join(folded, folded.c.conversation_id == stored.c.conversation_id))
        .where(
            stored.c.opened_at >= start,
            stored.c.opened_at < end,
            stored.c.day.in_(days),
            stored.c.ended.is_not(None),
        )
    )
    timers = {hours: Timer(support, hours, _NO_NOW) for hours in Hours}
    tallies: dict[tuple[str, str, str, Hours], Tally] = defaultdict(Tally)
    dimensions = len(Dimension)
    for day, *found in await connection.execute(query):
        groups, step = found[:dimensions], found[dimensions:]
        keys = _grouped(day, groups)
        for hours, timer in timers.items():
            judged = timer.judge(step)
            for key in keys:
                tallies[(*key, hours)].add_step(step[0], *judged)
    for (day, dimension, grp, hours), tally in tallies.items():
        rows.setdefault((day, dimension, grp), {})[hours] = {
            "times": dict(tally.times),
            "waits_judged": tally.counts["waits_judged"],
            "answered_in_time": tally.counts["answered_in_time"],
        }


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _midnight(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(0), tzinfo=UTC)
