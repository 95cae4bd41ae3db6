"""SQL both engines run alike: moments as UTC days and seconds, a moment some days later (each
engine writes date arithmetic its own way), the latest row's value of a group, and counting rows
that meet a condition."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, String, case, func, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import DateTime
from sqlmodel.ext.asyncio.session import AsyncSession


class utc_day(FunctionElement[str]):
    """A stored moment's UTC day as 'YYYY-MM-DD'."""

    type = String()
    inherit_cache = True


@compiles(utc_day)
def _utc_day(element: utc_day, compiler: Any, **options: Any) -> str:
    moment = compiler.process(element.clauses, **options)
    return f"to_char({moment} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: Any, **options: Any) -> str:
    # SQLite keeps moments as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC.
    return f"substr({compiler.process(element.clauses, **options)}, 1, 10)"


class epoch_seconds(FunctionElement[float]):
    """A stored moment as seconds since 1970 (UTC): a number is read much faster than a date."""

    type = Float()
    inherit_cache = True


@compiles(epoch_seconds)
def _epoch_seconds(element: epoch_seconds, compiler: Any, **options: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **options)})"


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element: epoch_seconds, compiler: Any, **options: Any) -> str:
    return f"((julianday({compiler.process(element.clauses, **options)}) - 2440587.5) * 86400.0)"


class days_between(FunctionElement[float]):
    """Days (with their fraction) from the first moment to the second."""

    type = Float()
    inherit_cache = True


@compiles(days_between)
def _days_between(element: days_between, compiler: Any, **options: Any) -> str:
    start, end = (compiler.process(clause, **options) for clause in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **options: Any) -> str:
    start, end = (compiler.process(clause, **options) for clause in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


class latest(FunctionElement[str]):
    """Aggregate: the `value` (as text) of the row with the latest stored moment `by`; of rows
    at the same moment, any one. SQL has no such aggregate, and ranking every row to pick one
    per group costs SQLite more than the rest of a report."""

    type = String()
    inherit_cache = True


@compiles(latest)
def _latest(element: latest, compiler: Any, **options: Any) -> str:
    value, by = (compiler.process(clause, **options) for clause in element.clauses)
    return f"(array_agg(CAST({value} AS TEXT) ORDER BY {by} DESC NULLS LAST))[1]"


@compiles(latest, "sqlite")
def _latest_sqlite(element: latest, compiler: Any, **options: Any) -> str:
    # Moments are kept as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC, 26 characters): the greatest
    # moment-and-value is the latest moment's, and the value follows its 26 characters.
    value, by = (compiler.process(clause, **options) for clause in element.clauses)
    return f"substr(max({by} || {value}), 27)"


class days_after(FunctionElement[datetime]):
    """`moment` plus a whole number of days, in SQL: each engine writes date arithmetic its own way."""

    type = DateTime(timezone=True)
    inherit_cache = True


@compiles(days_after)
def _days_after(element: days_after, compiler: Any, **options: Any) -> str:
    moment, days = (compiler.process(clause, **options) for clause in element.clauses)
    return f"({moment} + make_interval(days => {days}))"


@compiles(days_after, "sqlite")
def _days_after_sqlite(element: days_after, compiler: Any, **options: Any) -> str:
    # %f keeps the milliseconds; the result compares with stored moments as text.
    moment, days = (compiler.process(clause, **options) for clause in element.clauses)
    return f"strftime('%Y-%m-%d %H:%M:%f', {moment}, '+' || {days} || ' days')"


def one_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 or 0: both engines add up integers alike, not booleans."""
    return case((condition, 1), else_=0)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(one_if(condition))


async def for_reports(session: AsyncSession) -> AsyncConnection:
    """The session's connection, its transaction readied for a report over much of the history.
    PostgreSQL would otherwise compile a query it estimates costly to machine code first (JIT),
    which takes longer (about a second) than the query; and, once a report's statement has run
    five times, plan it for any range and any list of conversations (a generic plan), which
    for a year is three times slower than planning it for the ones asked."""
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await connection.exec_driver_sql("SET LOCAL jit = off")
        await connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    return connection


async def writing(session: AsyncSession) -> AsyncConnection:
    """The session's connection for statements that write: on a SQLite file a session is given
    its one writer only when asked with a write (helpdesk/database.py); a connection asked for
    without one is a reader's, which refuses writes."""
    return await session.connection(bind_arguments={"clause": _A_WRITE})


_A_WRITE = text("UPDATE")  # what a session is told it will run, to be given the writer
