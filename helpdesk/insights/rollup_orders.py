"""The orders a signed-in shopper's market follows, for the daily roll-up (insights/rollup.py).

A conversation the shop signed a customer in to, that proved no order, counts in the market of
that customer's latest order, which can change without an event of the conversation: an order
imported, its country corrected, one deleted. A trigger on the orders (migration 0014) notes
the customer of each such change here, in the same transaction as the change, and does nothing
else (an insert of its own: an import never waits on the roll-up's rows, nor they on it). The
days of those customers' conversations are read live while a change is noted (`changed_days`);
the facts fold, every minute, raises their generation and forgets the note in one transaction
(`settle`), so that the rows folded before are never read again, as after a late event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, inspect, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement, FromClause, Select
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.insights import rollup_days
from helpdesk.insights.sql import writing

AT_ONCE = 5000  # notes settled per transaction (an import of a year of orders notes 200,000)


class OrderChange(SQLModel, table=True):
    """A customer whose orders changed (their email, as the orders and the facts keep it)."""

    __tablename__ = "insights_order_changes"

    id: int | None = Field(default=None, primary_key=True)
    email: str


CHANGES = inspect(OrderChange).local_table


def follows_orders(facts: FromClause) -> ColumnElement[bool]:
    """A conversation whose market follows its signed-in customer's latest order."""
    return and_(facts.c.country.is_(None), facts.c.signed_in.is_not(None))


def _days_of(facts: FromClause, emails: Any) -> Select:
    return select(facts.c.day).where(follows_orders(facts), facts.c.signed_in.in_(emails))


async def changed_days(connection: AsyncConnection, facts: FromClause) -> set[str]:
    """The days of the conversations of customers whose orders changed since the last fold."""
    query = _days_of(facts, select(CHANGES.c.email)).distinct()
    return {day for (day,) in await connection.execute(query)}


async def settle(session: AsyncSession, dialect: Any, facts: FromClause) -> int:
    """Raises the generation of the days of the customers whose orders changed, and forgets
    the notes read, in one transaction per batch; how many. Only the notes read are forgotten:
    one committed meanwhile, with an id below theirs, waits for the next fold."""
    settled = 0
    while True:
        connection = await writing(session)
        query = select(CHANGES.c.id, CHANGES.c.email).order_by(CHANGES.c.id).limit(AT_ONCE)
        notes = (await connection.execute(query)).all()
        if not notes:
            return settled
        emails = sorted({email for _, email in notes})
        await connection.execute(rollup_days.bump(dialect, _days_of(facts, emails)))
        ids = [id for id, _ in notes]
        await connection.execute(delete(OrderChange).where(CHANGES.c.id.in_(ids)))
        await session.commit()
        settled += len(notes)
