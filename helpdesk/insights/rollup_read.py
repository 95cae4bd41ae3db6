"""Reading the daily roll-up (insights/rollup.py): which days of a range it answers for, its rows
of the split asked, and the SQL of what stays live on those days (waits still unclaimed, and
the conversations of a signed-in shopper when split by market)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import String, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from helpdesk.insights import facts, rollup, steps
from helpdesk.insights.conversation_sql import REOPEN_WINDOW, Dimension
from helpdesk.insights.support_sql import outcome_counts
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
) -> Rolled:
    """The rows of the closed days from `first` to `last` that are folded for their current
    generation, with no recent conversation and no resolution that may still become durable."""
    if recent.named is None:
        return Rolled(set(), [])
    today = now.astimezone(UTC).date()
    last = min(last, today - timedelta(days=1))
    dimension = rollup.dimension_name(by)
    daily, days = rollup.DAILY, rollup.DAYS
    query = (
        select(daily)
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
    settled = now - REOPEN_WINDOW
    answered = {
        row.day
        for row in found
        if row.dimension == rollup.UNSPLIT
        and (row.held_until is None or _utc(row.held_until) <= settled)
    }
    answered -= await rollup.recent_days(connection, recent)
    rows = [
        row
        for row in found
        if row.day in answered and row.dimension == dimension and row.conversations
    ]
    return Rolled(answered, rows)


def group_of(row: Any) -> Any:
    return json.loads(row.grp)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def signed_in_outcomes(
    start: datetime, end: datetime, *, now: datetime, recent: facts.Recent
) -> Select:
    """Split by market: the outcomes of the folded conversations of a signed-in shopper whose
    market follows their latest order (per day, group and topic, as support_sql.outcomes)."""
    stored = facts.FACTS
    part = select(
        stored,
        facts.group_column(Dimension.MARKET, stored).label("grp"),
        facts.durable(stored, now),
    ).where(
        stored.c.opened_at >= start,
        stored.c.opened_at < end,
        stored.c.country.is_(None),
        stored.c.signed_in.is_not(None),
        recent.lacks(stored.c.conversation_id),
    )
    return outcome_counts(part.subquery("signed_in"))


def live_steps(
    start: datetime, end: datetime, by: Dimension | None, recent: facts.Recent
) -> Select:
    """(day, grp, kind, team, started, ended) of the folded steps that are not rolled up: waits
    still unclaimed, and split by market every step of a signed-in shopper's conversation."""
    lacks = recent.lacks(steps.STEPS.c.conversation_id)
    unclaimed = steps.STEPS.c.ended.is_(None)
    if by is None:
        return steps.stored(start, end, literal(None, String()), [lacks, unclaimed], None)
    folded = facts.FACTS.alias("folded")
    where = [lacks, unclaimed]
    if by == Dimension.MARKET:
        where = [lacks, unclaimed | ~rollup.fixed_market(folded)]
    return steps.stored(start, end, facts.group_column(by, folded), where, folded)
