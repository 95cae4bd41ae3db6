"""What the KPIs need of each conversation, folded out of its events: one row per conversation
(when it opened, its language, topic, team and agent, and what came of it), so that a year of
KPIs reads 100,000 rows instead of running a dozen look-ups on the event log per conversation.

Nothing here is a guess or a second record: a row is the result of the same SQL over the
conversation's events (`computed`), written by `fold`, which the sweep runs every minute. A query
(`parts`, `cohort_parts`) reads the stored rows of the conversations whose events are all folded
and computes the others from the log as it reads: those with an event among the newest ones
(after the last fold, less a margin for transactions that committed out of order). So a figure
is always that of the whole log, folded or not. What depends on the moment of asking stays out of the row: it keeps
when a resolution began to hold (`durable_from`), and "durable" is asked of that against now.

The market of a conversation is folded only in part: the country of the order it proved, and the
shopper the shop signed in, whose market follows their latest order (which can change without an
event): that is looked up when the figures are split by market (and when the daily roll-up is
folded: insights/rollup_orders.py says how it follows those orders).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    and_,
    exists,
    func,
    inspect,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, FromClause, Select
from sqlalchemy.types import Boolean
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.insights import rollup_days, rollup_orders, steps
from helpdesk.insights.conversation_sql import (
    EVENTS,
    REOPEN_WINDOW,
    Dimension,
    count_events,
    count_ratings,
    group_of,
    has_event,
    held_from,
    latest_country,
    proved_country,
    reopened_soon,
    signed_in,
    topic_of,
)
from helpdesk.insights.events import EventKind, Resolver
from helpdesk.insights.sql import one_if, utc_day, writing
from helpdesk.insights.steps import HandoverStep

# Events a fold looks back at again: a transaction still open during a fold commits its events
# after it, with ids below the newest the fold saw. PostgreSQL hands out ids before commits.
MARGIN = 1000
FOLD_BATCH = 1000  # conversations computed and written per statement
FOLD_EVERY_SECONDS = 60.0
_SIGNED_IN = "country IS NULL AND signed_in IS NOT NULL"


class ConversationFacts(SQLModel, table=True):
    """A conversation's figures as its events had them when folded (`last_event_id`)."""

    __tablename__ = "conversation_facts"
    __table_args__ = (
        Index("ix_conversation_facts_opened_at", "opened_at"),
        # Signed-in shoppers' conversations, whose market follows their orders: found by their
        # customer when those change (insights/rollup_orders.py).
        Index(
            "ix_conversation_facts_signed_in",
            "signed_in",
            sqlite_where=text(_SIGNED_IN),
            postgresql_where=text(_SIGNED_IN),
        ),
    )

    conversation_id: str = Field(primary_key=True, foreign_key="conversation.id")
    opened_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    day: str  # the UTC day it opened, YYYY-MM-DD
    lang: str | None = None  # its language at the bot's first answer, else when opened
    topic: str | None = None  # the first topic the NLU read
    team: str | None = None  # of the first queue it waited in
    agent_id: int | None = None  # the first agent who claimed it
    turns: int = 0
    fallbacks: int = 0
    resolutions: int = 0
    handed_over: int = 0
    bot_resolved: int = 0
    reopened: int = 0  # reopened within the window after a resolution
    # The first resolution not reopened within the window: durable once the window has passed.
    durable_from: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    country: str | None = None  # of the first order it proved
    signed_in: str | None = None  # the email of the customer the shop signed in
    ratings: int = 0  # that count: the newest of each resolution's
    satisfied: int = 0  # ... of 4 or 5
    commented: int = 0  # ... with a comment
    last_event_id: int = Field(index=True)


FACTS = inspect(ConversationFacts).local_table
COLUMNS = [column.name for column in FACTS.columns]


def computed(where: Callable[[FromClause], list[ColumnElement[bool]]]) -> Select:
    """The facts of the conversations whose opening event meets `where(opened)`, from the log."""
    opened, query = _computing()
    return query.where(*where(opened))


@cache
def _computing() -> tuple[FromClause, Select]:
    """The opening events, and the facts of all conversations over them, built once: each of
    the twenty look-ups is on an alias of the log of its own, whose columns SQLAlchemy sets up
    one by one, and building them took longer (20 ms) than running a day's query. Expressions
    are never changed once built: every query may share them."""
    opened = EVENTS.alias("opened")
    conversation = opened.c.conversation_id
    newest = EVENTS.alias("newest")
    query = select(
        conversation.label("conversation_id"),
        opened.c.at.label("opened_at"),
        utc_day(opened.c.at).label("day"),
        group_of(Dimension.LANGUAGE, conversation, opened.c.lang).label("lang"),
        topic_of(conversation).label("topic"),
        group_of(Dimension.TEAM, conversation, opened.c.lang).label("team"),
        group_of(Dimension.AGENT, conversation, opened.c.lang).label("agent_id"),
        count_events(conversation, EventKind.BOT_TURN).label("turns"),
        count_events(conversation, EventKind.FALLBACK).label("fallbacks"),
        count_events(conversation, EventKind.RESOLVED).label("resolutions"),
        one_if(has_event(conversation, EventKind.ESCALATED)).label("handed_over"),
        one_if(has_event(conversation, EventKind.RESOLVED, Resolver.BOT)).label("bot_resolved"),
        one_if(reopened_soon(conversation)).label("reopened"),
        held_from(conversation).label("durable_from"),
        proved_country(conversation).label("country"),
        signed_in(conversation).label("signed_in"),
        count_ratings(conversation).label("ratings"),
        count_ratings(conversation, lambda rating: rating.c.rating >= 4).label("satisfied"),
        count_ratings(conversation, lambda rating: rating.c.detail.is_not(None)).label("commented"),
        select(func.max(newest.c.id))
        .where(newest.c.conversation_id == conversation)
        .scalar_subquery()
        .label("last_event_id"),
    ).where(opened.c.kind == EventKind.OPENED)
    return opened, query


def _recent() -> Select:
    """The events a fold may not have seen (their id and conversation)."""
    return select(EVENTS.c.id, EVENTS.c.conversation_id).where(EVENTS.c.id > _unseen_from())


def _recent_conversations() -> Select:
    """The conversations of those events (one row per event)."""
    return select(EVENTS.c.conversation_id).where(EVENTS.c.id > _unseen_from())


def _unseen_from() -> Any:
    folded = select(func.coalesce(func.max(FACTS.c.last_event_id), 0)).scalar_subquery()
    return folded - MARGIN


class folded_yet(ColumnElement[bool]):
    """No event of the conversation is recent. Each engine is asked the way it answers
    fast: SQLite builds the list of recent conversations once and looks each one up in it (NOT
    IN); PostgreSQL, which cannot tell how long that list is and would scan it for each
    conversation, looks among the conversation's own events."""

    type = Boolean()
    inherit_cache = True

    def __init__(self, conversation_id: Any) -> None:
        self.conversation_id = conversation_id


@compiles(folded_yet)
def _folded_yet_postgresql(element: folded_yet, compiler: Any, **options: Any) -> str:
    event = EVENTS.alias("unseen")
    unseen = exists().where(
        event.c.conversation_id == element.conversation_id, event.c.id > _unseen_from()
    )
    return compiler.process(~unseen, **options)


@compiles(folded_yet, "sqlite")
def _folded_yet_sqlite(element: folded_yet, compiler: Any, **options: Any) -> str:
    return compiler.process(element.conversation_id.not_in(_recent_conversations()), **options)


LISTED = 2000  # recent conversations named one by one in a query; more are selected in it
LISTED_EVENTS = 20 * LISTED  # their events read to name them (a fold a minute sees ~1,000)


@dataclass(frozen=True)
class Recent:
    """The conversations whose facts are computed from the log as a query reads them: named one
    by one when they are few (as after every fold), so that each engine plans for exactly those;
    else (no fold has run) selected inside the query. Asked for once per request, so that every
    query of it splits the conversations the same way."""

    named: tuple[str, ...] | None

    def holds(self, conversation_id: Any) -> ColumnElement[bool]:
        if self.named is not None:
            return conversation_id.in_(self.named)
        return conversation_id.in_(_recent_conversations())

    def lacks(self, conversation_id: Any) -> ColumnElement[bool]:
        if self.named is not None:
            return conversation_id.not_in(self.named)
        return folded_yet(conversation_id)


async def recent(connection: AsyncConnection) -> Recent:
    """The first event a fold may not have seen is asked for first, and the events since are
    read by their ids, in order: given that bound as a subquery, PostgreSQL planned for a third
    of the log and walked the index of conversations for a distinct few (0.5 s of 645,000
    events), and SQLite, asked for them distinct, scanned that index too. A fold in between
    only makes the list longer than it need be: never wrong."""
    unseen_from = (await connection.execute(select(_unseen_from()))).scalar_one()
    query = select(EVENTS.c.conversation_id).where(EVENTS.c.id > unseen_from)
    query = query.order_by(EVENTS.c.id).limit(LISTED_EVENTS + 1)
    events = [row.conversation_id for row in await connection.execute(query)]
    named = tuple(dict.fromkeys(events))
    if len(events) > LISTED_EVENTS or len(named) > LISTED:
        return Recent(None)
    return Recent(named)


def parts(
    start: datetime, end: datetime, by: Dimension | None, *, now: datetime, recent: Recent
) -> list:
    """The conversations opened in [start, end) in two parts, each row with the facts, its group
    of `by` (grp) and whether a resolution has held for the window by `now` (durable): those
    folded, read from the table by its index, and the recent ones, computed from the log.
    Figures that add up are summed over both; a part each keeps the table's index in use."""
    stored = select(FACTS, group_column(by, FACTS).label("grp"), durable(FACTS, now)).where(
        FACTS.c.opened_at >= start,
        FACTS.c.opened_at < end,
        recent.lacks(FACTS.c.conversation_id),
    )
    computing = computed(
        lambda opened: [
            opened.c.at >= start,
            opened.c.at < end,
            recent.holds(opened.c.conversation_id),
        ]
    ).subquery("computing")
    fresh = select(computing, group_column(by, computing).label("grp"), durable(computing, now))
    return [stored.subquery("stored"), fresh.subquery("fresh")]


def in_range(
    start: datetime, end: datetime, by: Dimension | None, *, now: datetime, recent: Recent
):
    """Both parts as one CTE (computed once), for a query that orders or pages them."""
    stored, fresh = parts(start, end, by, now=now, recent=recent)
    return union_all(select(stored), select(fresh)).cte("facts")


def cohort_parts(
    event: FromClause, start: datetime, end: datetime, by: Dimension | None, recent: Recent
):
    """For events of the conversations opened in [start, end): in each part, the join of `event`
    to its conversation's row (folded) or opening (recent), the conditions, and the day and
    group columns. Each folded event finds its row by the primary key, not in a scan of a year."""
    folded = FACTS.alias("folded")
    stored = (
        event.join(folded, folded.c.conversation_id == event.c.conversation_id),
        [
            folded.c.opened_at >= start,
            folded.c.opened_at < end,
            recent.lacks(folded.c.conversation_id),
        ],
        [folded.c.day.label("day"), group_column(by, folded).label("grp")],
    )
    opened = EVENTS.alias("opened")
    conversation = event.c.conversation_id
    fresh = (
        event.join(
            opened,
            and_(opened.c.conversation_id == conversation, opened.c.kind == EventKind.OPENED),
        ),
        [opened.c.at >= start, opened.c.at < end, recent.holds(opened.c.conversation_id)],
        [
            utc_day(opened.c.at).label("day"),
            group_of(by, conversation, opened.c.lang).label("grp"),
        ],
    )
    return [stored, fresh]


def automated(facts: FromClause) -> ColumnElement[bool]:
    """Resolved by the bot and never handed to a person: the automation rate's count."""
    return and_(facts.c.bot_resolved == 1, facts.c.handed_over == 0)


def durable(facts: FromClause, now: datetime) -> ColumnElement:
    return one_if(facts.c.durable_from <= now - REOPEN_WINDOW).label("durable")


def group_column(by: Dimension | None, facts: FromClause) -> ColumnElement:
    """The column of `facts` that is the conversation's group of `by`."""
    if by == Dimension.LANGUAGE:
        return facts.c.lang
    if by == Dimension.INTENT:
        return facts.c.topic
    if by == Dimension.TEAM:
        return facts.c.team
    if by == Dimension.AGENT:
        return facts.c.agent_id
    if by == Dimension.MARKET:
        return func.coalesce(facts.c.country, latest_country(facts.c.signed_in))
    return literal(None)  # everyone in one group


async def fold(session: AsyncSession) -> int:
    """Writes the facts and the timed steps (insights/steps.py) of every conversation with an
    event since the last fold (less the margin); how many. Several replicas may fold at once:
    the rows are the same, the last written stays. Commits after each batch. Then settles the
    changes of signed-in customers' orders (insights/rollup_orders.py)."""
    connection = await writing(session)
    # Oldest last event first: a fold cut short (a restart) has then folded every conversation
    # whose events are all older than the newest it wrote, and the next one picks up the rest.
    recent = _recent().subquery("recent")
    last = select(recent.c.conversation_id).group_by(recent.c.conversation_id)
    last = last.order_by(func.max(recent.c.id), recent.c.conversation_id)
    conversations = [row.conversation_id for row in await connection.execute(last)]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for first in range(0, len(conversations), FOLD_BATCH):
        batch = conversations[first : first + FOLD_BATCH]
        await _store(await writing(session), dialect, batch)
        await session.commit()
    await rollup_orders.settle(session, dialect, FACTS)
    return len(conversations)


async def _store(connection: AsyncConnection, dialect: Any, batch: list[str]) -> None:
    """The facts and the steps of `batch`, computed from the log over what was stored of them
    (a step may be gone since: a wait that is claimed now)."""
    rows = computed(partial(_among, batch))
    key = FACTS.c.conversation_id
    await connection.execute(_upsert(dialect, ConversationFacts, COLUMNS, rows, key))
    days = select(FACTS.c.day).where(FACTS.c.conversation_id.in_(batch))
    await connection.execute(rollup_days.bump(dialect, days))  # their days' roll-up is stale
    await connection.execute(steps.forget(batch))
    rows, key = steps.computed(batch), steps.STEPS.c.event_id
    await connection.execute(_upsert(dialect, HandoverStep, steps.COLUMNS, rows, key))


def _upsert(dialect: Any, model: type, columns: list[str], rows: Select, key: Any) -> Any:
    """The insert of `rows`; one there already (another replica folding at once wrote the same)
    is written over, so that the last written stays."""
    statement = dialect.insert(model).from_select(columns, rows)
    return statement.on_conflict_do_update(
        index_elements=[key],
        set_={name: statement.excluded[name] for name in columns if name != key.name},
    )


def _among(conversations: list[str], opened: FromClause) -> list[ColumnElement[bool]]:
    return [opened.c.conversation_id.in_(conversations)]
