"""What the service folds every minute for the insights: the facts of the conversations with new
events (insights/facts.py), then the daily roll-up of the closed days (insights/rollup.py), so
that no dashboard request waits for a day to be folded, however long since one was read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.insights import facts, rollup
from helpdesk.insights.queries import MAX_DAYS
from helpdesk.policies.support_schema import SupportPolicy


async def fold(session: AsyncSession, *, today: date, support: SupportPolicy | None) -> int:
    """Folds the facts, then the closed days from the first conversation's (the longest range
    the API answers at most) that are not folded for their generation and `support`; how many
    days. Without a valid support.yml no figure can be asked for: no day is folded."""
    await facts.fold(session)
    if support is None:
        return 0
    connection = await session.connection()
    opened = (await connection.execute(select(func.min(facts.FACTS.c.opened_at)))).scalar()
    if opened is None:
        return 0
    first = max(_utc_day(opened), today - timedelta(days=MAX_DAYS))
    recent = await facts.recent(connection)
    last = today - timedelta(days=1)
    return await rollup.fold(session, first, last, today=today, recent=recent, support=support)


def _utc_day(moment: datetime) -> date:
    """SQLite gives the stored UTC moment without its zone."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()
