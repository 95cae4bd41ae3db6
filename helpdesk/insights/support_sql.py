"""The support KPIs' SQL: counts aggregated in the database per UTC day and group (and topic),
and the timed steps of hand-overs (medians and business hours are worked out in Python). Every
query counts the conversations opened in the range (insights/support.py says why)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, func, null, or_, select
from sqlalchemy.sql import ColumnElement, FromClause, Select

from helpdesk.insights.conversation_sql import EVENTS, Dimension
from helpdesk.insights.events import EventKind, Resolver
from helpdesk.insights.facts import groups_in_range
from helpdesk.insights.facts import in_range as facts_in_range
from helpdesk.insights.sql import count_if, epoch_seconds

TIMED = [EventKind.CLAIMED, EventKind.FIRST_AGENT_REPLY, EventKind.RESOLVED, EventKind.QUEUED]


def outcomes(start: datetime, end: datetime, by: Dimension | None, *, now: datetime) -> Select:
    """Per (day, group, topic): conversations, and how many had each outcome."""
    facts = facts_in_range(start, end, by, now=now)
    automated = and_(facts.c.bot_resolved == 1, facts.c.handed_over == 0)
    return select(
        facts.c.day,
        facts.c.grp,
        facts.c.topic,
        func.count().label("conversations"),
        count_if(automated).label("automated"),
        func.sum(facts.c.handed_over).label("handed_over"),
        func.sum(facts.c.durable).label("durable"),
        count_if(facts.c.resolutions > 0).label("resolved"),
        func.sum(facts.c.reopened).label("reopened"),
        func.sum(facts.c.resolutions).label("resolutions"),
        func.sum(facts.c.turns).label("bot_turns"),
        func.sum(facts.c.fallbacks).label("fallbacks"),
    ).group_by(facts.c.day, facts.c.grp, facts.c.topic)


def _of_cohort(event: FromClause, start: datetime, end: datetime, by: Dimension | None):
    """(the join of `event` to its conversation's facts, the conditions, the day and group
    columns): events of the conversations opened in [start, end), none of them earlier."""
    cohort = groups_in_range(start, end, by)
    joined = event.join(cohort, cohort.c.conversation_id == event.c.conversation_id)
    # The event's moment as seconds: SQLite (with no statistics) would otherwise search every
    # event of the kind since `start` by (kind, at) for each conversation, not its own events.
    where = [epoch_seconds(event.c.at) >= start.timestamp()]
    return joined, where, [cohort.c.day.label("day"), cohort.c.grp.label("grp")]


def timed_steps(start: datetime, end: datetime, by: Dimension | None) -> Select:
    """(day, group, kind, team, started, ended) in seconds since 1970 of each wait in a queue
    ended by a claim, each first reply of a person and each resolution by an agent, timed from
    the event it refers to; and of each wait still unclaimed (ended NULL)."""
    step, began, claim = EVENTS.alias("step"), EVENTS.alias("began"), EVENTS.alias("claim")
    joined, where, columns = _of_cohort(step, start, end, by)
    waiting = step.c.kind == EventKind.QUEUED
    timed = and_(
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
        .where(*where, step.c.kind.in_(TIMED), or_(timed, unclaimed))
    )


def newest_rating(rating: FromClause) -> ColumnElement[bool]:
    """A shopper who rates a resolution again changes their rating: the newest counts."""
    newer = EVENTS.alias("newer")
    return ~exists().where(
        newer.c.refers_to == rating.c.refers_to,
        newer.c.kind == EventKind.RATED,
        newer.c.conversation_id == rating.c.conversation_id,
        newer.c.id > rating.c.id,
    )


def ratings(start: datetime, end: datetime, by: Dimension | None) -> Select:
    """Per (day, group): the ratings that count, the satisfied ones (4-5), those with a comment."""
    rating = EVENTS.alias("rating")
    joined, where, columns = _of_cohort(rating, start, end, by)
    day, group = columns
    return (
        select(
            day,
            group,
            func.count().label("ratings"),
            count_if(rating.c.rating >= 4).label("satisfied"),
            count_if(rating.c.detail.is_not(None)).label("comments"),
        )
        .select_from(joined)
        .where(*where, rating.c.kind == EventKind.RATED, newest_rating(rating))
        .group_by(day, group)
    )


def comments(start: datetime, end: datetime, by: Dimension | None) -> Select:
    """(day, group, conversation, when, rating, detail) of each counted rating with a comment, in
    no order (insights/support.py sorts them)."""
    rating = EVENTS.alias("rating")
    joined, where, columns = _of_cohort(rating, start, end, by)
    return (
        select(
            *columns,
            rating.c.conversation_id,
            rating.c.at,
            rating.c.rating,
            rating.c.detail,
        )
        .select_from(joined)
        .where(
            *where,
            rating.c.kind == EventKind.RATED,
            rating.c.detail.is_not(None),
            newest_rating(rating),
        )
    )  # no ORDER BY: SQLite would then read every rating ever, in order, to find the range's
