"""The conversations behind a figure of the support KPIs: those opened in the range that the
figure counted (automated, handed over, reopened...), in one group of a split if asked, a page
at a time, oldest first. Each kind counts exactly as the figure of the same name in support.py.

The page is found first, with only the condition asked for; what is shown of each conversation
is then worked out for the page alone (a year holds 100,000 conversations, a page 100)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.models import Agent
from helpdesk.chat.models import Conversation
from helpdesk.clock import aware
from helpdesk.insights.answers import BehindConversation, BehindPage
from helpdesk.insights.conversation_sql import (
    EVENTS,
    Dimension,
    count_events,
    durable,
    group_of,
    has_event,
    reopened_soon,
)
from helpdesk.insights.customers import for_reports
from helpdesk.insights.events import EventKind, Resolver
from helpdesk.insights.sql import epoch_seconds, one_if
from helpdesk.insights.support import NONE, UNKNOWN, Scope, group_names
from helpdesk.insights.support_sql import newest_rating
from helpdesk.policies.codes import COUNTRIES
from helpdesk.policies.markets import market_of


class Behind(StrEnum):
    """Which conversations: the figure (of SupportKpis) they are counted in."""

    ALL = "all"  # conversations
    AUTOMATED = "automated"
    HANDED_OVER = "handed_over"
    RESOLVED = "resolved"
    DURABLE = "durable"
    REOPENED = "reopened"
    FALLBACK = "fallback"  # a turn in which the bot did not understand (fallbacks)
    RATED = "rated"  # a rating that counts (ratings)
    SATISFIED = "satisfied"  # ... of 4 or 5
    COMMENTED = "commented"  # ... with a comment (comments)


async def conversations_behind(
    session: AsyncSession,
    scope: Scope,
    kind: Behind,
    *,
    group: str | None,
    limit: int,
    offset: int,
    now: datetime,
) -> BehindPage:
    """A page of the conversations opened in the scope's days that `kind` counts, in `group`
    of `scope.by` when given (by the name the figures give it)."""
    start, end = scope.instants
    await for_reports(session)
    connection = await session.connection()
    opened = EVENTS.alias("opened")
    conversation = opened.c.conversation_id
    grp = group_of(scope.by, conversation, opened.c.lang)
    where = [
        opened.c.kind == EventKind.OPENED,
        opened.c.at >= start,
        opened.c.at < end,
        _of_kind(conversation, kind, start, now),
    ]
    if group is not None:
        where.append(await _in_group(connection, scope, grp, group))
    page = (
        select(
            conversation.label("conversation_id"),
            opened.c.at.label("opened_at"),
            grp.label("grp"),
        )
        .where(*where)
        .order_by(opened.c.at, conversation)
        .limit(limit)
        .offset(offset)
        .cte("page")
    )
    rows = list(await connection.execute(_described(page)))
    # Counted apart: a window's count(*) over the page query would rank every row in the range
    # before the first page could be cut (several times slower on a year of conversations).
    counted = select(func.count()).select_from(opened).where(*where)
    total = (await connection.execute(counted)).scalar_one()
    names = await group_names(session, scope, {row.grp for row in rows})
    shown = [_shown(row, names[row.grp] if scope.by else "all") for row in rows]
    following = offset + len(rows)
    return BehindPage(
        total=total,
        next_offset=following if following < total and rows else None,
        conversations=shown,
    )


def _described(page: Any) -> Any:
    """The page's conversations, oldest first, with what came of each."""
    conversation = page.c.conversation_id
    return (
        select(
            page,
            col(Conversation.lang),
            col(Conversation.state),
            one_if(has_event(conversation, EventKind.ESCALATED)).label("handed_over"),
            one_if(has_event(conversation, EventKind.RESOLVED, Resolver.BOT)).label("bot_resolved"),
            count_events(conversation, EventKind.RESOLVED).label("resolutions"),
            one_if(reopened_soon(conversation)).label("reopened"),
            count_events(conversation, EventKind.FALLBACK).label("fallbacks"),
        )
        .join_from(page, Conversation, col(Conversation.id) == conversation)
        .order_by(page.c.opened_at, conversation)
    )


def _shown(row: Any, group: str) -> BehindConversation:
    return BehindConversation(
        conversation_id=row.conversation_id,
        opened_at=aware(row.opened_at),
        lang=row.lang,
        state=row.state,
        group=group,
        handed_over=bool(row.handed_over),
        automated=bool(row.bot_resolved and not row.handed_over),
        resolutions=row.resolutions,
        reopened=bool(row.reopened),
        fallbacks=row.fallbacks,
    )


def _of_kind(
    conversation: Any, kind: Behind, start: datetime, now: datetime
) -> ColumnElement[bool]:
    """As support_sql.outcomes and support_sql.ratings count them."""
    if kind == Behind.ALL:
        return true()
    if kind == Behind.AUTOMATED:
        bot = has_event(conversation, EventKind.RESOLVED, Resolver.BOT)
        return and_(bot, ~has_event(conversation, EventKind.ESCALATED))
    if kind == Behind.HANDED_OVER:
        return has_event(conversation, EventKind.ESCALATED)
    if kind == Behind.RESOLVED:
        return has_event(conversation, EventKind.RESOLVED)
    if kind == Behind.DURABLE:
        return durable(conversation, now)
    if kind == Behind.REOPENED:
        return reopened_soon(conversation)
    if kind == Behind.FALLBACK:
        return has_event(conversation, EventKind.FALLBACK)
    rating = EVENTS.alias("rating")
    condition = {
        Behind.RATED: true(),
        Behind.SATISFIED: rating.c.rating >= 4,
        Behind.COMMENTED: rating.c.detail.is_not(None),
    }[kind]
    return exists().where(
        rating.c.conversation_id == conversation,
        rating.c.kind == EventKind.RATED,
        # As seconds: SQLite would otherwise search every rating since `start` by (kind, at).
        epoch_seconds(rating.c.at) >= start.timestamp(),
        newest_rating(rating),
        condition,
    )


async def _in_group(
    connection: AsyncConnection, scope: Scope, column: Any, group: str
) -> ColumnElement[bool]:
    """The condition on the group column for the group the figures call `group`
    (support.group_names, the other way round)."""
    if scope.by == Dimension.MARKET:
        served = {country: market_of(scope.markets, country) for country in COUNTRIES}
        country = func.upper(func.trim(column))
        if group == UNKNOWN:
            known = [code for code, market in served.items() if market]
            return or_(column.is_(None), country.not_in(known))
        return country.in_([code for code, market in served.items() if market == group])
    if group == NONE:
        return column.is_(None)
    if scope.by == Dimension.AGENT:
        email = select(col(Agent.id)).where(col(Agent.email) == group.lower())
        found = (await connection.execute(email)).scalar()
        if found is None and group.isascii() and group.isdigit():  # a removed agent's id
            found = int(group)
        return column == found if found is not None else false()
    return column == group
