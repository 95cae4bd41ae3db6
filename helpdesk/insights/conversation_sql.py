"""What the event log says of one conversation, as SQL expressions to put in a query about many:
its first topic, team, agent, language and market, whether it had an event of a kind, how many,
whether it was reopened soon after a resolution, whether a resolution held, its ratings.
Each is a look-up on the conversation's own events (indexed by conversation and kind)."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import String, exists, func, inspect, literal, select
from sqlalchemy.sql import ColumnElement, FromClause

from helpdesk.insights.events import ConversationEvent, EventKind
from helpdesk.insights.sql import days_between
from helpdesk.orders.models import Order, VerificationAttempt

EVENTS = inspect(ConversationEvent).local_table
REOPEN_WINDOW = timedelta(days=7)
# What the NLU reads that is no topic of the conversation: small talk, yes and no, "a person".
NOT_TOPICS = ["greet", "goodbye", "thank_you", "affirm", "deny", "inform", "stop", "bot_challenge"]
NOT_TOPICS += ["nlu_fallback", "out_of_scope", "human_handoff"]


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
    return func.coalesce(proved_country(conversation_id), _signed_in_country(conversation_id))


def proved_country(conversation_id: Any) -> Any:
    """The country of the first order the conversation proved (NULL: none)."""
    proof, order = inspect(VerificationAttempt).local_table, inspect(Order).local_table
    return (
        select(order.c.country)
        .join(proof, proof.c.order_number == order.c.number)
        .where(proof.c.conversation_id == conversation_id, proof.c.succeeded.is_(True))
        .order_by(proof.c.id)
        .limit(1)
        .scalar_subquery()
    )


def signed_in(conversation_id: Any) -> Any:
    """The email of the customer the shop signed in to the conversation (NULL: none)."""
    proof = inspect(VerificationAttempt).local_table
    return (
        select(proof.c.email)
        .where(
            proof.c.conversation_id == conversation_id,
            proof.c.succeeded.is_(True),
            proof.c.method == "identity",
        )
        .limit(1)
        .scalar_subquery()
    )


def _signed_in_country(conversation_id: Any) -> Any:
    """The country of the signed-in customer's latest order, in one look-up: a subquery for
    the email inside another would not be correlated with the conversation asked about."""
    proof, order = inspect(VerificationAttempt).local_table, inspect(Order).local_table
    return (
        select(order.c.country)
        .join(proof, proof.c.email == order.c.email)
        .where(
            proof.c.conversation_id == conversation_id,
            proof.c.succeeded.is_(True),
            proof.c.method == "identity",
        )
        .order_by(order.c.placed_at.desc())
        .limit(1)
        .scalar_subquery()
    )


def latest_country(email: Any) -> Any:
    """The country of the customer's latest order: it follows their orders, which can change
    without an event of the conversation, so it is never folded."""
    order = inspect(Order).local_table
    return (
        select(order.c.country)
        .where(order.c.email == email)
        .order_by(order.c.placed_at.desc())
        .limit(1)
        .scalar_subquery()
    )


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


def held_from(conversation_id: Any) -> Any:
    """When the first of its resolutions that was not reopened within the window happened (NULL
    without one): the conversation's resolution is durable once the window has passed since."""
    resolution, reopened = EVENTS.alias("resolution"), EVENTS.alias("reopened")
    held = ~exists().where(
        reopened.c.refers_to == resolution.c.id,
        reopened.c.kind == EventKind.REOPENED,
        days_between(resolution.c.at, reopened.c.at) <= REOPEN_WINDOW.days,
    )
    # The first by id (events are written in the order they happen): min(at) would have SQLite
    # look for it among every resolution by (kind, at), for each conversation.
    return (
        select(resolution.c.at)
        .where(
            resolution.c.conversation_id == conversation_id,
            resolution.c.kind == EventKind.RESOLVED,
            held,
        )
        .order_by(resolution.c.id)
        .limit(1)
        .scalar_subquery()
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


def count_ratings(conversation_id: Any, condition: Any = None) -> Any:
    """How many of its ratings count (the newest of each resolution's), meeting `condition`
    (on the rating event, `rating`) if given."""
    rating = EVENTS.alias("rating")
    where = [
        rating.c.conversation_id == conversation_id,
        rating.c.kind == EventKind.RATED,
        newest_rating(rating),
    ]
    if condition is not None:
        where.append(condition(rating))
    return select(func.count()).where(*where).scalar_subquery()
