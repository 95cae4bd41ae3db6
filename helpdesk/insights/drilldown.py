"""The conversations behind a figure of the support KPIs: those opened in the range that the
figure counted (automated, handed over, reopened...), in one group of a split if asked, a page
at a time, oldest first. Each kind counts exactly as the figure of the same name in support.py,
from the same facts of each conversation (insights/facts.py)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.models import Agent
from helpdesk.chat.models import Conversation
from helpdesk.clock import aware
from helpdesk.insights.answers import BehindConversation, BehindPage
from helpdesk.insights.conversation_sql import (
    Dimension,
)
from helpdesk.insights.facts import automated, in_range, recent
from helpdesk.insights.sql import for_reports
from helpdesk.insights.support import NONE, UNKNOWN, Scope, group_names
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
    facts = in_range(start, end, scope.by, now=now, recent=await recent(connection))
    where = [_of_kind(facts, kind)]
    if group is not None:
        where.append(await _in_group(connection, scope, facts.c.grp, group))
    page = (
        select(facts, col(Conversation.lang).label("lang_now"), col(Conversation.state))
        .join_from(facts, Conversation, col(Conversation.id) == facts.c.conversation_id)
        .where(*where)
        .order_by(facts.c.opened_at, facts.c.conversation_id)
        .limit(limit)
        .offset(offset)
    )
    rows = list(await connection.execute(page))
    # Counted apart: a window's count(*) over the page query would rank every row in the range
    # before the first page could be cut.
    counted = select(func.count()).select_from(facts).where(*where)
    total = (await connection.execute(counted)).scalar_one()
    names = await group_names(session, scope, {row.grp for row in rows})
    shown = [_shown(row, names[row.grp] if scope.by else "all") for row in rows]
    following = offset + len(rows)
    return BehindPage(
        total=total,
        next_offset=following if following < total and rows else None,
        conversations=shown,
    )


def _shown(row: Any, group: str) -> BehindConversation:
    return BehindConversation(
        conversation_id=row.conversation_id,
        opened_at=aware(row.opened_at),
        lang=row.lang_now,
        state=row.state,
        group=group,
        handed_over=bool(row.handed_over),
        automated=bool(row.bot_resolved and not row.handed_over),
        resolutions=row.resolutions,
        reopened=bool(row.reopened),
        fallbacks=row.fallbacks,
    )


def _of_kind(facts: Any, kind: Behind) -> ColumnElement[bool]:
    """As support_sql.outcomes counts them."""
    if kind == Behind.ALL:
        return true()
    if kind == Behind.AUTOMATED:
        return automated(facts)
    if kind == Behind.HANDED_OVER:
        return facts.c.handed_over == 1
    if kind == Behind.RESOLVED:
        return facts.c.resolutions > 0
    if kind == Behind.DURABLE:
        return facts.c.durable == 1
    if kind == Behind.REOPENED:
        return facts.c.reopened == 1
    if kind == Behind.FALLBACK:
        return facts.c.fallbacks > 0
    if kind == Behind.RATED:
        return facts.c.ratings > 0
    if kind == Behind.SATISFIED:
        return facts.c.satisfied > 0
    return facts.c.commented > 0


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
