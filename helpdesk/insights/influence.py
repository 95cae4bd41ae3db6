"""Support-influenced revenue: the orders customers placed soon after a conversation, net of
refunds, for conversations the bot handled alone against those a person handled.

For a date range [start, end) (README, "Retention: what each figure means"):

- The conversations of the range are those begun in it. Each was handled by
  - a person: an agent claimed it or has it, or wrote to the shopper in it;
  - handed over: it went to the queue for a person, and none took it (yet);
  - the bot: it never went to the queue.
- An influenced order is a counted order (customers.counted) of a customer linked to the
  conversation, placed at or after the moment it began and less than `influence_days`
  (insights.yml) after. An order that follows several conversations counts once, for the latest
  of them. Orders may fall after `end`: a range's figure grows for `influence_days` after it.
- Its revenue is the order's total less the refunds issued or settled for it, per currency.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, case, exists, func, or_
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat.models import Conversation, Message, Sender
from helpdesk.insights.customers import (
    amount_of,
    columns,
    conversation_customers,
    counted,
    net_cents,
    utc,
)
from helpdesk.insights.sql import days_after, for_reports
from helpdesk.orders.models import Order
from helpdesk.policies.insights_schema import InsightsPolicy


class HandledBy(StrEnum):
    BOT = "bot"
    PERSON = "person"
    HANDED_OVER = "handed_over"  # queued for a person, never taken


class InfluencedMoney(BaseModel):
    currency: str
    orders: int
    net_revenue: Decimal


class InfluenceGroup(BaseModel):
    handled_by: HandledBy
    conversations: int  # conversations of the range handled this way
    orders: int  # the influenced orders, in every currency
    currencies: list[InfluencedMoney]


class SupportInfluence(BaseModel):
    start: datetime
    end: datetime
    influence_days: int
    groups: list[InfluenceGroup]  # bot, person, handed over: always all three


async def support_influence(
    session: AsyncSession, *, start: datetime, end: datetime, insights: InsightsPolicy
) -> SupportInfluence:
    """The conversations of [start, end) and the orders that followed them, by who handled them."""
    start, end = utc(start), utc(end)
    await for_reports(session)
    conversations: Counter[str] = Counter()
    for group, count in await session.exec(_conversations(start, end)):
        conversations[group] += int(count)
    money: dict[str, dict[str, InfluencedMoney]] = defaultdict(dict)
    for group, currency, orders, net in await session.exec(
        _influenced(start, end, insights.influence_days)
    ):
        money[group][currency] = InfluencedMoney(
            currency=currency, orders=int(orders), net_revenue=amount_of(int(net))
        )
    groups = [
        InfluenceGroup(
            handled_by=group,
            conversations=conversations[group],
            orders=sum(found.orders for found in money[group].values()),
            currencies=[money[group][code] for code in sorted(money[group])],
        )
        for group in HandledBy
    ]
    return SupportInfluence(
        start=start, end=end, influence_days=insights.influence_days, groups=groups
    )


def handled_by() -> ColumnElement[str]:
    """Who handled the conversation of the enclosing query (HandledBy). A person only ever
    takes a conversation from the queue, so queued_at is set first; claimed_at alone would
    forget a person who answered before the conversation went back to the queue."""
    agent_wrote = exists().where(
        col(Message.conversation_id) == Conversation.id,
        col(Message.sender) == Sender.AGENT,
        col(Message.internal).is_(False),
    )
    person = or_(
        col(Conversation.claimed_at).is_not(None),
        col(Conversation.agent_id).is_not(None),
        agent_wrote,
    )
    return case(
        (col(Conversation.queued_at).is_(None), str(HandledBy.BOT)),
        (person, str(HandledBy.PERSON)),
        else_=str(HandledBy.HANDED_OVER),
    )


def _begun_in(start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(col(Conversation.created_at) >= start, col(Conversation.created_at) < end)


def _conversations(start: datetime, end: datetime):
    handled = columns(handled_by().label("handled_by")).where(_begun_in(start, end)).subquery()
    return columns(handled.c.handled_by, func.count()).group_by(handled.c.handled_by)


def _influenced(start: datetime, end: datetime, days: int):
    """(handled_by, currency, orders, net cents) of the orders influenced by the range's
    conversations, each order given to the latest conversation before it."""
    links = conversation_customers().subquery("links")
    touches = (
        columns(
            links.c.email,
            col(Conversation.id).label("conversation_id"),
            col(Conversation.created_at).label("created_at"),
        )
        .join_from(links, Conversation, col(Conversation.id) == links.c.conversation_id)
        .where(_begun_in(start, end))
        .subquery("touches")
    )
    followed = (
        columns(
            col(Order.currency).label("currency"),
            net_cents().label("net_cents"),
            touches.c.conversation_id,
            func.row_number()
            .over(
                partition_by=col(Order.id),
                order_by=(touches.c.created_at.desc(), touches.c.conversation_id.desc()),
            )
            .label("recency"),
        )
        .join_from(
            touches,
            Order,
            and_(
                col(Order.email) == touches.c.email,
                col(Order.placed_at) >= touches.c.created_at,
                col(Order.placed_at) < days_after(touches.c.created_at, days),
            ),
        )
        .where(*counted())
        .subquery("followed")
    )
    attributed = (
        columns(handled_by().label("handled_by"), followed.c.currency, followed.c.net_cents)
        .join_from(followed, Conversation, col(Conversation.id) == followed.c.conversation_id)
        .where(followed.c.recency == 1)
        .subquery("attributed")
    )
    key = (attributed.c.handled_by, attributed.c.currency)
    return columns(*key, func.count(), func.sum(attributed.c.net_cents)).group_by(*key)
