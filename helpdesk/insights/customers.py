"""Customers in SQL: the orders that count as bought, net of refunds, and the customer (an order's
email) each conversation is linked to. The retention and influence figures are built on these."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, cast, func, union_all
from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from helpdesk.chat.models import Conversation
from helpdesk.orders.models import (
    Order,
    OrderReturn,
    OrderStatus,
    RefundStatus,
    VerificationAttempt,
)

CENT = Decimal("0.01")
# Money that has left the shop: an issued refund is on its way to the customer's account.
REFUNDED = (RefundStatus.ISSUED, RefundStatus.SETTLED)


def columns(*entities: Any) -> Select[*tuple[Any, ...]]:
    """A select of any number of columns: sqlmodel's `select` is typed for at most four."""
    return Select(*entities)


def utc(moment: datetime) -> datetime:
    """A range's bound as stored: SQLite keeps the UTC wall time and drops the zone."""
    if moment.tzinfo is None:
        raise ValueError("give the range as aware datetimes (with a time zone)")
    return moment.astimezone(UTC)


def amount_of(cents: int) -> Decimal:
    """Whole cents back as money, with its two decimals."""
    return (Decimal(cents) / 100).quantize(CENT)


def cents(amount: Any) -> ColumnElement[int]:
    """An amount as whole cents: SQLite keeps NUMERIC as a float, and floats do not add up exactly."""
    return cast(func.round(amount * 100), BigInteger)


def counted(*, before: datetime | None = None) -> list[ColumnElement[bool]]:
    """The orders that count as bought: all but cancelled ones, of a known customer (an order
    without an email belongs to nobody we can follow), placed before `before` when given."""
    conditions = [col(Order.status) != OrderStatus.CANCELLED, col(Order.email) != ""]
    if before is not None:
        conditions.append(col(Order.placed_at) < before)
    return conditions


def refunded() -> ColumnElement[bool]:
    """Whether a return's money has left the shop."""
    return col(OrderReturn.refund_status).in_([str(status) for status in REFUNDED])


def net_cents() -> ColumnElement[int]:
    """The total of the order of the enclosing query less what has been refunded of it, in cents."""
    refunds = (
        select(func.coalesce(func.sum(cents(OrderReturn.refund_amount)), 0))
        .where(OrderReturn.order_id == Order.id, refunded())
        .scalar_subquery()
    )
    return cents(Order.total) - refunds


def conversation_customers():
    """(conversation_id, email) for each customer a conversation is linked to: the email of an
    order it proved, or of the identity the shop signed (orders/verification.py keeps both on
    successful attempts), or the email the shopper left for an answer. A pair may repeat."""
    proved = columns(
        col(VerificationAttempt.conversation_id).label("conversation_id"),
        col(VerificationAttempt.email).label("email"),
    ).where(
        col(VerificationAttempt.succeeded).is_(True),
        col(VerificationAttempt.email).is_not(None),
        col(VerificationAttempt.email) != "",
    )
    left = columns(
        col(Conversation.id).label("conversation_id"),
        func.lower(func.trim(Conversation.contact_email)).label("email"),
    ).where(col(Conversation.contact_email).is_not(None))
    return union_all(proved, left)
