"""Reading the daily roll-up (insights/rollup.py): which days of a range it answers for, its rows
of the split asked (with the times in the hours asked), and the SQL of what stays live on those
days: the waits still unclaimed."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import String, case, func, literal, null, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from helpdesk.insights import facts, rollup, steps
from helpdesk.insights.collector import held_off
from helpdesk.insights.conversation_sql import REOPEN_WINDOW, Dimension
from helpdesk.insights.hours import Hours
from helpdesk.insights.tally import Tally
from helpdesk.policies.support_schema import SupportPolicy


@dataclass
class Rolled:
    """The days the roll-up answers for, and its rows for them of the split asked."""

    days: set[str]
    rows: list[Any]

    def live_ranges(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The runs of days of [start, end) it does not answer for, to be read live."""
        ranges: list[tuple[datetime, datetime]] = []
        day = start
        while day < end:
            if str(day.date()) not in self.days:
                if ranges and ranges[-1][1] == day:
                    ranges[-1] = (ranges[-1][0], day + timedelta(days=1))
                else:
                    ranges.append((day, day + timedelta(days=1)))
            day += timedelta(days=1)
        return ranges


async def read(
    connection: AsyncConnection,
    first: date,
    last: date,
    by: Dimension | None,
    *,
    support: SupportPolicy | None,
    now: datetime,
    recent: facts.Recent,
    hours: Hours = Hours.BUSINESS,
) -> Rolled:
    """The rows of the closed days from `first` to `last` that are folded for their current
    generation and not read live (rollup.live_days), for `add_up`: each with the counts, the
    steps timed in `hours`, and the moments its resolutions held from where some may not have
    held for the window by `now` yet (else NULL: all of `held` have)."""
    if recent.named is None:
        return Rolled(set(), [])
    live = await rollup.live_days(connection, recent)
    today = now.astimezone(UTC).date()
    last = min(last, today - timedelta(days=1))
    dimension = rollup.dimension_name(by)
    daily, days = rollup.DAILY, rollup.DAYS
    settled = (now - REOPEN_WINDOW).astimezone(UTC)
    query = (
        select(
            daily.c.day,
            daily.c.grp,
            *(daily.c[name] for name in rollup.COUNTED),
            daily.c.held,
            case((daily.c.held_until > settled, daily.c.held_from), else_=null()),
            daily.c.topics,
            daily.c[hours.value],
            daily.c.dimension,
        )
        .join(days, days.c.day == daily.c.day, isouter=True)
        .where(
            daily.c.fingerprint == rollup.fingerprint(support),
            daily.c.dimension.in_({rollup.UNSPLIT, dimension}),
            daily.c.day >= str(first),
            daily.c.day <= str(last),
            daily.c.generation == func.coalesce(days.c.generation, 0),
        )
    )
    found = (await connection.execute(query)).all()
    answered = {row[0] for row in found if row[_DIMENSION] == rollup.UNSPLIT} - live
    rows = [
        row
        for row in found
        if row[0] in answered and row[_DIMENSION] == dimension and row[_CONVERSATIONS]
    ]
    return Rolled(answered, rows)


# The columns of a row read, by position: by name, a row's eleven counts took longer to get
# than the rest of adding it up, and a year split per day has 10,000 rows.
_COUNTS = slice(2, 2 + len(rollup.COUNTED))
_CONVERSATIONS = _COUNTS.start  # the first count
_HELD, _HELD_FROM, _TOPICS, _TIMED, _DIMENSION = range(_COUNTS.stop, _COUNTS.stop + 5)
_NOTHING = "{}"  # no topic handed over, no step timed


@held_off
def add_up(rows: list[Any], tally_of: Callable[[str, Any], Tally], settled: float) -> None:
    """Adds each row read to the tally of its day and group: its counts, topics and times in
    the hours it was read in; of its resolutions that held, those that have held since
    `settled` (seconds since 1970) or before."""
    groups: dict[str, Any] = {}  # each group's JSON, read once
    for row in rows:
        if (grp := row[1]) not in groups:
            groups[grp] = json.loads(grp)
        tally = tally_of(row[0], groups[grp])
        counts = tally.counts
        for name, count in zip(rollup.COUNTED, row[_COUNTS], strict=True):
            if count:
                counts[name] += count
        if held := row[_HELD]:
            if (held_from := row[_HELD_FROM]) is not None:  # not all held long enough yet
                held = bisect_right(json.loads(held_from), settled)
            if held:
                counts["durable"] += held
        if (topics := row[_TOPICS]) != _NOTHING:
            for topic, count in json.loads(topics).items():
                tally.topics[topic] += count
        if (timed := row[_TIMED]) != _NOTHING:
            steps_timed = json.loads(timed)
            for kind, seconds in steps_timed["times"].items():
                tally.times[kind].extend(seconds)
            for name in ("waits_judged", "answered_in_time"):
                if steps_timed[name]:
                    counts[name] += steps_timed[name]


def live_steps(
    start: datetime, end: datetime, by: Dimension | None, recent: facts.Recent
) -> Select:
    """(day, grp, kind, team, started, ended) of the folded waits still unclaimed: not rolled up,
    since how long they have lasted is asked of now."""
    where = [recent.lacks(steps.STEPS.c.conversation_id), steps.STEPS.c.ended.is_(None)]
    if by is None:
        return steps.stored(start, end, literal(None, String()), where, None)
    folded = facts.FACTS.alias("folded")
    return steps.stored(start, end, facts.group_column(by, folded), where, folded)
