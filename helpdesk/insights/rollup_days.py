"""The tables of the daily roll-up (insights/rollup.py says how it is folded and read): its rows,
and each UTC day's generation, raised by the facts fold whenever the facts of a conversation
opened that day change, so that rows folded before are never read again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Text, inspect, literal, select, true
from sqlalchemy.sql import Select
from sqlmodel import Field, SQLModel

UNSPLIT = ""  # the dimension of the rows of no split: one per folded day, even of no conversation


class InsightsDay(SQLModel, table=True):
    """A UTC day's generation: raised whenever the facts of a conversation opened in it change."""

    __tablename__ = "insights_days"

    day: str = Field(primary_key=True)  # YYYY-MM-DD
    generation: int = 0


class DailyRollup(SQLModel, table=True):
    """The sums of the conversations opened on `day` in one group of `dimension`, as the facts
    of that day's `generation` had them; times with the support policy of `fingerprint`."""

    __tablename__ = "insights_daily"

    fingerprint: str = Field(primary_key=True)
    dimension: str = Field(primary_key=True)  # UNSPLIT or a Dimension
    day: str = Field(primary_key=True)
    generation: int = Field(primary_key=True)
    grp: str = Field(primary_key=True)  # the group's value as JSON (null, "en", 7)
    conversations: int = 0
    automated: int = 0
    handed_over: int = 0
    resolved: int = 0
    reopened: int = 0
    resolutions: int = 0
    bot_turns: int = 0
    fallbacks: int = 0
    ratings: int = 0
    satisfied: int = 0
    comments: int = 0
    held: int = 0  # conversations with a resolution not reopened within the window
    # The latest moment one of those held from: all are durable once the window has passed it.
    held_until: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # ... and every such moment (seconds since 1970, in order): how many are durable until then.
    held_from: str = Field(sa_column=Column(Text, nullable=False))
    topics: str = Field(sa_column=Column(Text, nullable=False))  # {topic: hand-overs}
    business: str = Field(sa_column=Column(Text, nullable=False))  # ended steps, business hours
    calendar: str = Field(sa_column=Column(Text, nullable=False))  # ... in calendar hours


DAYS = inspect(InsightsDay).local_table
DAILY = inspect(DailyRollup).local_table


def bump(dialect: Any, days: Select) -> Any:
    """The statement that raises the generation of `days` (a select of one column of days), to
    run after the facts are written, in the same transaction."""
    found = days.subquery("bumped")
    # WHERE true: SQLite would read the ON CONFLICT as a join's ON without it.
    rows = select(found.c[0], literal(1)).distinct().where(true())
    statement = dialect.insert(InsightsDay).from_select(["day", "generation"], rows)
    return statement.on_conflict_do_update(
        index_elements=[DAYS.c.day], set_={"generation": DAYS.c.generation + 1}
    )
