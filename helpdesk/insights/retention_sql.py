"""The retention figures in SQL: one query per range, for SQLite and PostgreSQL alike.

The history of every customer is read once, grouped per customer and currency (`spend`), and
then per customer; "the latest order" and "the latest conversation" are `latest` aggregates in
those groups. Window functions (ranking every row) made the query several times slower on
SQLite, and looking the latest order up per customer made PostgreSQL's plans unsteady. The
query wants an index on shop_order (email, placed_at, status, currency, country, total): README,
"Retention: what each figure means".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, literal
from sqlmodel import col

from helpdesk.chat.models import Conversation
from helpdesk.insights.customers import (
    cents,
    columns,
    conversation_customers,
    counted,
    refunded,
)
from helpdesk.insights.sql import count_if, latest, one_if
from helpdesk.orders.models import Order, OrderReturn
from helpdesk.policies.insights import churn_window
from helpdesk.policies.insights_schema import InsightsPolicy


def retention_figures(start: datetime, end: datetime, insights: InsightsPolicy):
    """Per (contacted, language, country, currency): the cohort's customers, repeat and churned
    customers, then the customers with orders in the currency, their orders and order total in
    the range and their net revenue before the end. A customer's own counts sit on the row of
    the currency of their latest order, so that one who paid in two currencies counts once."""
    spend = _spend(start, end).cte("spend")
    cells = _cells(spend, start, end, insights).subquery("cells")
    refunds = _refunds(end).subquery("refunds")
    own = spend.c.currency == cells.c.latest_currency
    key = (cells.c.contacted, cells.c.lang, cells.c.country, spend.c.currency)
    return (
        columns(
            *key,
            count_if(own),
            count_if(and_(own, cells.c.orders >= 2)),
            count_if(and_(own, cells.c.last_order < end - churn_window(insights))),
            func.count(),
            func.sum(spend.c.range_orders),
            func.sum(spend.c.range_total),
            func.sum(spend.c.total - func.coalesce(refunds.c.refunded, 0)),
        )
        .join_from(cells, spend, spend.c.email == cells.c.email)
        .outerjoin(
            refunds,
            and_(refunds.c.email == spend.c.email, refunds.c.currency == spend.c.currency),
        )
        .group_by(*key)
    )


def _spend(start: datetime, end: datetime):
    """Per customer and currency, of their counted orders before `end`: how many, when the
    latest was placed and its country, those in the range and their total, and the total of
    all."""
    in_range = col(Order.placed_at) >= start
    return (
        columns(
            col(Order.email).label("email"),
            col(Order.currency).label("currency"),
            func.count().label("orders"),
            func.max(Order.placed_at).label("last_order"),
            latest(Order.country, Order.placed_at).label("country"),
            count_if(in_range).label("range_orders"),
            func.sum(one_if(in_range) * cents(Order.total)).label("range_total"),
            func.sum(cents(Order.total)).label("total"),
        )
        .where(*counted(before=end))
        .group_by(col(Order.email), col(Order.currency))
    )


def _refunds(end: datetime):
    """Per customer and currency: the refunds issued for their counted orders before `end`.
    Summed apart from the orders: few orders have one, and SQL would look for one per order."""
    return (
        columns(
            col(Order.email).label("email"),
            col(Order.currency).label("currency"),
            func.sum(cents(OrderReturn.refund_amount)).label("refunded"),
        )
        .join_from(OrderReturn, Order, col(Order.id) == OrderReturn.order_id)
        .where(refunded(), *counted(before=end))
        .group_by(col(Order.email), col(Order.currency))
    )


def _cells(spend, start: datetime, end: datetime, insights: InsightsPolicy):
    """Each cohort customer (active since churn_days before `start`) with what splits them:
    contacted in the range or not, the language of their latest conversation, the country and
    currency of their latest order; and their number of orders and latest one's moment."""
    customers = _customers(spend, start - churn_window(insights)).subquery("customers")
    contact = _contacts(end).subquery("contacts")
    return columns(
        customers,
        one_if(contact.c.last_contact >= start).label("contacted"),
        func.coalesce(contact.c.lang, literal("")).label("lang"),
    ).outerjoin(contact, contact.c.email == customers.c.email)


def _customers(spend, active_since: datetime):
    """The cohort: each customer with a counted order since `active_since`, their number of
    counted orders, when the latest was placed, and its currency and country. (Should two
    orders in two currencies share the latest moment, the country may be the other's: the
    customer still counts once, on the row of one currency.)"""
    last_order = func.max(spend.c.last_order)
    return (
        columns(
            spend.c.email,
            func.sum(spend.c.orders).label("orders"),
            last_order.label("last_order"),
            latest(spend.c.currency, spend.c.last_order).label("latest_currency"),
            latest(spend.c.country, spend.c.last_order).label("country"),
        )
        .group_by(spend.c.email)
        .having(last_order >= active_since)
    )


def _contacts(end: datetime):
    """Each email linked to a conversation begun before `end`: when the latest such conversation
    began, and its language."""
    links = conversation_customers().subquery("links")
    return (
        columns(
            links.c.email,
            func.max(Conversation.created_at).label("last_contact"),
            latest(Conversation.lang, Conversation.created_at).label("lang"),
        )
        .join_from(links, Conversation, col(Conversation.id) == links.c.conversation_id)
        .where(col(Conversation.created_at) < end)
        .group_by(links.c.email)
    )
