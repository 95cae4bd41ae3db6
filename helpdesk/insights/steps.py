"""The timed steps of hand-overs, folded beside the conversations' facts: each wait in a queue
ended by a claim, each first reply of a person and each resolution by an agent, timed from the
event it refers to, and each wait still unclaimed. Medians and business hours need every step,
so a year of KPIs reads some 80,000 of them: from one row each here, by the opening day's
index, instead of from three events each in the log.

A stored step is the result of the same SQL over the log (`timed`) for a conversation whose
events are all folded (insights/facts.py says when); the steps of the others are computed as a
query reads them. A wait still unclaimed keeps no end: how long it has lasted is asked of now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    and_,
    case,
    delete,
    exists,
    inspect,
    null,
    or_,
    select,
    text,
)
from sqlalchemy.sql import FromClause, Select
from sqlmodel import Field, SQLModel

from helpdesk.insights.conversation_sql import EVENTS
from helpdesk.insights.events import EventKind, Resolver
from helpdesk.insights.sql import epoch_seconds, utc_day

TIMED = [EventKind.CLAIMED, EventKind.FIRST_AGENT_REPLY, EventKind.RESOLVED, EventKind.QUEUED]


class HandoverStep(SQLModel, table=True):
    """One timed step of a folded conversation, in seconds since 1970."""

    __tablename__ = "handover_steps"
    __table_args__ = (
        Index("ix_handover_steps_opened_at", "opened_at"),
        # Waits still unclaimed: read live on the days of the daily roll-up (insights/rollup.py).
        Index(
            "ix_handover_steps_unclaimed",
            "opened_at",
            sqlite_where=text("ended IS NULL"),
            postgresql_where=text("ended IS NULL"),
        ),
    )

    event_id: int = Field(primary_key=True)  # the claim, first reply, resolution or wait
    conversation_id: str = Field(foreign_key="conversation.id", index=True)
    opened_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    day: str  # the UTC day the conversation opened, YYYY-MM-DD
    kind: str
    team: str | None = None
    started: float
    ended: float | None = None  # a wait still unclaimed


STEPS = inspect(HandoverStep).local_table
COLUMNS = [column.name for column in STEPS.columns]


def timed(step: FromClause, joined: Any, where: list, columns: list) -> Select:
    """(columns…, kind, team, started, ended) of the steps among `step` events of `joined`
    that meet `where`."""
    began, claim = EVENTS.alias("began"), EVENTS.alias("claim")
    waiting = step.c.kind == EventKind.QUEUED
    ended_a_step = and_(
        began.c.id.is_not(None),
        or_(
            step.c.kind.in_([EventKind.CLAIMED, EventKind.FIRST_AGENT_REPLY]),
            and_(step.c.kind == EventKind.RESOLVED, step.c.outcome == Resolver.AGENT),
        ),
    )
    unclaimed = and_(
        waiting,
        ~exists().where(claim.c.refers_to == step.c.id, claim.c.kind == EventKind.CLAIMED),
    )
    return (
        select(
            *columns,
            step.c.kind,
            step.c.team,
            epoch_seconds(case((waiting, step.c.at), else_=began.c.at)).label("started"),
            case((waiting, null()), else_=epoch_seconds(step.c.at)).label("ended"),
        )
        .select_from(joined.outerjoin(began, began.c.id == step.c.refers_to))
        .where(*where, step.c.kind.in_(TIMED), or_(ended_a_step, unclaimed))
    )


def computed(conversations: list[str]) -> Select:
    """The rows of HandoverStep for `conversations`, from the log (in COLUMNS' order)."""
    step, opened = EVENTS.alias("step"), EVENTS.alias("opened")
    joined = step.join(
        opened,
        and_(opened.c.conversation_id == step.c.conversation_id, opened.c.kind == EventKind.OPENED),
    )
    columns = [
        step.c.id.label("event_id"),
        step.c.conversation_id,
        opened.c.at.label("opened_at"),
        utc_day(opened.c.at).label("day"),
    ]
    return timed(step, joined, [step.c.conversation_id.in_(conversations)], columns)


def forget(conversations: list[str]) -> Any:
    """The statement that removes the stored steps of `conversations` (before they are stored
    again: a step may have gone, as a wait that is now claimed)."""
    return delete(HandoverStep).where(STEPS.c.conversation_id.in_(conversations))


def stored(
    start: datetime, end: datetime, group: Any, where: list, facts: FromClause | None
) -> Select:
    """(day, grp, kind, team, started, ended) of the stored steps of conversations opened in
    [start, end) that meet `where`; `group` is a column of `facts` (joined by the conversation
    when given) or a constant."""
    steps: FromClause = STEPS
    if facts is not None:
        steps = STEPS.join(facts, facts.c.conversation_id == STEPS.c.conversation_id)
    return (
        select(
            STEPS.c.day,
            group.label("grp"),
            STEPS.c.kind,
            STEPS.c.team,
            STEPS.c.started,
            STEPS.c.ended,
        )
        .select_from(steps)
        .where(STEPS.c.opened_at >= start, STEPS.c.opened_at < end, *where)
    )
