"""Reading the daily roll-up (insights/rollup.py): which days of a range it answers for, its rows
of the split asked (with the times in the hours asked), and the SQL of what stays live on those
days: the waits still unclaimed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import String, case, func, literal, null, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from helpdesk.insights import facts, rollup, steps
from helpdesk.insights.conversation_sql import REOPEN_WINDOW, Dimension
from helpdesk.insights.hours import Hours
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
    generation and not read live (rollup.live_days). Each row has the counts, `timed` (its
    steps in `hours`), and `held_from` where some of its resolutions may not have held for the
    window by `now` yet (else NULL: all of `held` have)."""
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
            daily.c.dimension,
            daily.c.grp,
            *(daily.c[name] for name in [*rollup.COUNTED, "held"]),
            case((daily.c.held_until > settled, daily.c.held_from), else_=null()).label(
                "held_from"
            ),
            daily.c.topics,
            daily.c[hours.value].label("timed"),
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
    answered = {row.day for row in found if row.dimension == rollup.UNSPLIT} - live
    rows = [
        row
        for row in found
        if row.day in answered and row.dimension == dimension and row.conversations
    ]
    return Rolled(answered, rows)


def group_of(row: Any) -> Any:
    return json.loads(row.grp)


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
