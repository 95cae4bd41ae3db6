"""The support KPIs' SQL: counts aggregated in the database per UTC day and group (and topic),
and the timed steps of hand-overs (medians and business hours are worked out in Python). Every
query counts the conversations opened in the range (insights/support.py says why)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import String, and_, case, exists, func, inspect, literal, null, or_, select
from sqlalchemy.sql import ColumnElement, FromClause, Select

from helpdesk.insights.events import ConversationEvent, EventKind, Resolver
from helpdesk.insights.sql import count_if, days_between, epoch_seconds, one_if, utc_day
from helpdesk.orders.models import Order, VerificationAttempt

EVENTS = inspect(ConversationEvent).local_table
REOPEN_WINDOW = timedelta(days=7)
# What the NLU reads that is no topic of the conversation: small talk, yes and no, "a person".
NOT_TOPICS = ["greet", "goodbye", "thank_you", "affirm", "deny", "inform", "stop", "bot_challenge"]
NOT_TOPICS += ["nlu_fallback", "out_of_scope", "human_handoff"]
TIMED = [EventKind.CLAIMED, EventKind.FIRST_AGENT_REPLY, EventKind.RESOLVED, EventKind.QUEUED]


class Dimension(StrEnum):
    LANGUAGE = "language"
    INTENT = "intent"
    TEAM = "team"
    AGENT = "agent"
    MARKET = "market"  # grouped by country here; countries become markets in support.py


def _first(kind: EventKind, column: str, conversation_id: Any, *, topical: bool = False) -> Any:
    """The conversation's first event of `kind` (with a topic, if `topical`): its `column`."""
    first = EVENTS.alias("first")
    where = [first.c.conversation_id == conversation_id, first.c.kind == kind]
    if topical:
        where.append(first.c.intent.not_in(NOT_TOPICS))  # NOT IN also leaves out NULL
    return select(first.c[column]).where(*where).order_by(first.c.id).limit(1).scalar_subquery()


def topic_of(conversation_id: Any) -> Any:
    """The first topic the NLU read in the conversation."""
    return _first(EventKind.BOT_TURN, "intent", conversation_id, topical=True)


def country_of(conversation_id: Any) -> Any:
    """The country of the first order the conversation proved; for a shopper the shop signed
    in, of that customer's latest order."""
    proof, order = inspect(VerificationAttempt).local_table, inspect(Order).local_table
    proved = (
        select(order.c.country)
        .join(proof, proof.c.order_number == order.c.number)
        .where(proof.c.conversation_id == conversation_id, proof.c.succeeded.is_(True))
        .order_by(proof.c.id)
        .limit(1)
        .scalar_subquery()
    )
    signed_in = (
        select(proof.c.email)
        .where(
            proof.c.conversation_id == conversation_id,
            proof.c.succeeded.is_(True),
            proof.c.method == "identity",
        )
        .limit(1)
        .scalar_subquery()
    )
    latest_order = (
        select(order.c.country)
        .where(order.c.email == signed_in)
        .order_by(order.c.placed_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(proved, latest_order)


def group_of(by: Dimension | None, conversation_id: Any, opened_lang: Any) -> Any:
    """The conversation's group (insights/support.py defines each)."""
    if by == Dimension.LANGUAGE:
        return func.coalesce(_first(EventKind.BOT_TURN, "lang", conversation_id), opened_lang)
    if by == Dimension.INTENT:
        return topic_of(conversation_id)
    if by == Dimension.TEAM:
        return _first(EventKind.QUEUED, "team", conversation_id)
    if by == Dimension.AGENT:
        return _first(EventKind.CLAIMED, "agent_id", conversation_id)
    if by == Dimension.MARKET:
        return country_of(conversation_id)
    return literal(None, String())  # everyone in one group


def has_event(
    conversation_id: Any, kind: EventKind, outcome: str | None = None
) -> ColumnElement[bool]:
    event = EVENTS.alias("event")
    where = [event.c.conversation_id == conversation_id, event.c.kind == kind]
    if outcome is not None:
        where.append(event.c.outcome == outcome)
    return select(event.c.id).where(*where).exists()  # the id: answered from the index alone


def count_events(conversation_id: Any, kind: EventKind) -> Any:
    event = EVENTS.alias("event")
    return (
        select(func.count())
        .where(event.c.conversation_id == conversation_id, event.c.kind == kind)
        .scalar_subquery()
    )


def reopened_soon(conversation_id: Any) -> ColumnElement[bool]:
    """Reopened within the window after one of its resolutions."""
    reopened, resolution = EVENTS.alias("reopened"), EVENTS.alias("resolution")
    return exists().where(
        reopened.c.conversation_id == conversation_id,
        reopened.c.kind == EventKind.REOPENED,
        resolution.c.id == reopened.c.refers_to,
        days_between(resolution.c.at, reopened.c.at) <= REOPEN_WINDOW.days,
    )


def durable(conversation_id: Any, now: datetime) -> ColumnElement[bool]:
    """A resolution at least the window old that was not reopened within the window."""
    resolution, reopened = EVENTS.alias("resolution"), EVENTS.alias("reopened")
    held = ~exists().where(
        reopened.c.refers_to == resolution.c.id,
        reopened.c.kind == EventKind.REOPENED,
        days_between(resolution.c.at, reopened.c.at) <= REOPEN_WINDOW.days,
    )
    return exists().where(
        resolution.c.conversation_id == conversation_id,
        resolution.c.kind == EventKind.RESOLVED,
        # As seconds: SQLite (with no statistics) would otherwise search every resolution old
        # enough by (kind, at), for each conversation, instead of the conversation's own.
        epoch_seconds(resolution.c.at) <= (now - REOPEN_WINDOW).timestamp(),
        held,
    )


def conversation_facts(start: datetime, end: datetime, by: Dimension | None, *, now: datetime):
    """One row per conversation opened in [start, end): its day, group, topic and what came of
    it. Each figure is an indexed look-up; MATERIALIZED keeps each computed once."""
    opened = EVENTS.alias("opened")
    conversation = opened.c.conversation_id
    resolved_by_bot = has_event(conversation, EventKind.RESOLVED, Resolver.BOT)
    return (
        select(
            conversation.label("conversation_id"),
            utc_day(opened.c.at).label("day"),
            group_of(by, conversation, opened.c.lang).label("grp"),
            topic_of(conversation).label("topic"),
            count_events(conversation, EventKind.BOT_TURN).label("turns"),
            count_events(conversation, EventKind.FALLBACK).label("fallbacks"),
            count_events(conversation, EventKind.RESOLVED).label("resolutions"),
            one_if(has_event(conversation, EventKind.ESCALATED)).label("handed_over"),
            one_if(resolved_by_bot).label("bot_resolved"),
            one_if(reopened_soon(conversation)).label("reopened"),
            one_if(durable(conversation, now)).label("durable"),
        )
        .where(opened.c.kind == EventKind.OPENED, opened.c.at >= start, opened.c.at < end)
        .cte("facts")
        .prefix_with("MATERIALIZED")
    )


def outcomes(start: datetime, end: datetime, by: Dimension | None, *, now: datetime) -> Select:
    """Per (day, group, topic): conversations, and how many had each outcome."""
    facts = conversation_facts(start, end, by, now=now)
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
    """(the join of `event` to its conversation's opening, the conditions, the day and group
    columns): events of the conversations opened in [start, end), none of them earlier."""
    opened = EVENTS.alias("opened")
    joined = event.join(
        opened,
        and_(
            opened.c.conversation_id == event.c.conversation_id,
            opened.c.kind == EventKind.OPENED,
        ),
    )
    # The event's moment as seconds: SQLite (with no statistics) would otherwise search every
    # event of the kind since `start` by (kind, at) for each conversation, not its own events.
    where = [
        opened.c.at >= start,
        opened.c.at < end,
        epoch_seconds(event.c.at) >= start.timestamp(),
    ]
    columns = [
        utc_day(opened.c.at).label("day"),
        group_of(by, event.c.conversation_id, opened.c.lang).label("grp"),
    ]
    return joined, where, columns


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
