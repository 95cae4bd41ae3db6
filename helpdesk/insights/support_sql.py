"""The support KPIs' SQL: counts aggregated in the database per UTC day and group (and topic),
and the timed steps of hand-overs (medians and business hours are worked out in Python). Every
query counts the conversations opened in the range (insights/support.py says why)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, func, literal, select, union_all
from sqlalchemy.sql import CompoundSelect, FromClause, Select

from helpdesk.insights import facts, steps
from helpdesk.insights.conversation_sql import EVENTS, Dimension, newest_rating
from helpdesk.insights.events import EventKind
from helpdesk.insights.sql import count_if, epoch_seconds


def outcomes(
    start: datetime, end: datetime, by: Dimension | None, *, now: datetime, recent: facts.Recent
) -> CompoundSelect:
    """Per (day, group, topic) and part (facts.parts): conversations, and how many had each
    outcome. A (day, group, topic) may come once per part: the counts add up."""
    parts = facts.parts(start, end, by, now=now, recent=recent)
    return union_all(*(outcome_counts(part) for part in parts))


def outcome_counts(part: FromClause) -> Select:
    return select(
        part.c.day,
        part.c.grp,
        part.c.topic,
        func.count().label("conversations"),
        count_if(facts.automated(part)).label("automated"),
        func.sum(part.c.handed_over).label("handed_over"),
        func.sum(part.c.durable).label("durable"),
        count_if(part.c.resolutions > 0).label("resolved"),
        func.sum(part.c.reopened).label("reopened"),
        func.sum(part.c.resolutions).label("resolutions"),
        func.sum(part.c.turns).label("bot_turns"),
        func.sum(part.c.fallbacks).label("fallbacks"),
        func.sum(part.c.ratings).label("ratings"),
        func.sum(part.c.satisfied).label("satisfied"),
        func.sum(part.c.commented).label("comments"),
    ).group_by(part.c.day, part.c.grp, part.c.topic)


def _in_cohort(
    event: FromClause, start: datetime, end: datetime, by: Dimension | None, recent: facts.Recent
):
    """facts.cohort_parts, each part's conditions with one more: no event before the range.
    The event's moment as seconds: SQLite (with no statistics) would otherwise search every
    event of the kind since `start` by (kind, at) for each conversation, not its own events."""
    after = epoch_seconds(event.c.at) >= start.timestamp()
    return [
        (joined, [*where, after], columns)
        for joined, where, columns in facts.cohort_parts(event, start, end, by, recent)
    ]


def timed_steps(
    start: datetime, end: datetime, by: Dimension | None, recent: facts.Recent
) -> CompoundSelect:
    """(day, group, kind, team, started, ended) in seconds since 1970 of each wait in a queue
    ended by a claim, each first reply of a person and each resolution by an agent, timed from
    the event it refers to; and of each wait still unclaimed (ended NULL)."""
    step = EVENTS.alias("step")
    _, fresh = _in_cohort(step, start, end, by, recent)
    return union_all(_stored_steps(start, end, by, recent), steps.timed(step, *fresh))


def _stored_steps(
    start: datetime, end: datetime, by: Dimension | None, recent: facts.Recent
) -> Select:
    """The part of the steps stored by the fold: read alone, or beside the facts when split by
    one of their columns."""
    lacks = [recent.lacks(steps.STEPS.c.conversation_id)]
    if by is None:
        return steps.stored(start, end, literal(None, String()), lacks, None)
    folded = facts.FACTS.alias("folded")
    return steps.stored(start, end, facts.group_column(by, folded), lacks, folded)


def comments(
    start: datetime, end: datetime, by: Dimension | None, recent: facts.Recent
) -> CompoundSelect:
    """(day, group, conversation, when, rating, detail) of each counted rating with a comment, in
    no order (insights/support.py sorts them): an ORDER BY would have SQLite read every rating
    ever, in order, to find the range's."""
    rating = EVENTS.alias("rating")
    return union_all(
        *(_comments(rating, *part) for part in _in_cohort(rating, start, end, by, recent))
    )


def _comments(rating: FromClause, joined: Any, where: list, columns: list) -> Select:
    return (
        select(*columns, rating.c.conversation_id, rating.c.at, rating.c.rating, rating.c.detail)
        .select_from(joined)
        .where(
            *where,
            rating.c.kind == EventKind.RATED,
            rating.c.detail.is_not(None),
            newest_rating(rating),
        )
    )
