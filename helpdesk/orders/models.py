"""Tables of the shop's data: orders with items and shipments, returns, loyalty accounts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Numeric
from sqlmodel import Field, SQLModel

from helpdesk.columns import optional_timestamp, timestamp


class OrderStatus(StrEnum):
    PLACED = "placed"  # received, payment not yet confirmed
    PAID = "paid"
    SHIPPED = "shipped"  # handed to the carrier
    IN_TRANSIT = "in_transit"
    DELAYED = "delayed"  # past its estimated delivery, or the carrier reported a problem
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class ReturnStatus(StrEnum):
    REQUESTED = "requested"  # created, label sent or to be sent
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"  # at the warehouse: the refund is being processed
    REFUNDED = "refunded"
    REJECTED = "rejected"


class RefundStatus(StrEnum):
    NOT_STARTED = "not_started"
    PROCESSING = "processing"
    ISSUED = "issued"  # sent to the payment provider; on the account after its settlement days
    SETTLED = "settled"


def _money(nullable: bool = False) -> Any:
    return Field(default=Decimal("0"), sa_column=Column(Numeric(12, 2), nullable=nullable))


class Order(SQLModel, table=True):
    __tablename__ = "shop_order"  # "order" is an SQL keyword
    # Everything the retention figures read of an order (insights/retention_sql.py), so that a
    # year of orders is read from the index alone.
    __table_args__ = (
        Index(
            "ix_shop_order_customer_history",
            "email", "placed_at", "status", "currency", "country", "total",
        ),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, index=True)  # as shoppers write it, without "#": "10045"
    email: str = Field(index=True)  # lower-cased
    postal_code: str  # normalised: upper case, no spaces
    country: str  # ISO 3166-1 alpha-2
    currency: str  # ISO 4217
    subtotal: Decimal = _money()
    shipping_cost: Decimal = _money()
    total: Decimal = _money()
    placed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    status: str = Field(default=OrderStatus.PLACED, index=True)
    payment_method: str = "card"  # a method name of policies/payments.yml
    shipping_option: str = "standard"  # an option name of policies/shipping.yml
    customer_name: str | None = None
    source: str = "import"  # import | shopify | demo
    external_id: str | None = Field(default=None, index=True)  # the shop platform's id
    updated_at: datetime = timestamp()


class OrderItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="shop_order.id", index=True)
    sku: str
    name: str
    category: str = ""
    quantity: int = 1
    unit_price: Decimal = _money()
    final_sale: bool = False


class Shipment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="shop_order.id", index=True)
    carrier: str  # a carrier name of policies/shipping.yml (dhl, postnl, ...)
    tracking_number: str
    shipped_on: date | None = None
    estimated_delivery: date | None = None
    delivered_on: date | None = None
    external_id: str | None = None


class OrderReturn(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    rma: str = Field(unique=True, index=True)  # "RMA-10045-1"
    order_id: int = Field(foreign_key="shop_order.id", index=True)
    items: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON)
    )  # [{sku, quantity}]
    reason: str = ""
    status: str = ReturnStatus.REQUESTED
    refund_status: str = RefundStatus.NOT_STARTED
    refund_amount: Decimal = _money()
    received_on: date | None = None
    refund_issued_on: date | None = None
    created_at: datetime = timestamp()


class LoyaltyAccount(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)
    country: str
    balance: int = 0
    points_last_12_months: int = 0  # decides the tier (policies/loyalty.yml)
    last_activity: date | None = None
    # What the member shares to refer friends; given the first time the bot is asked for it.
    referral_code: str | None = Field(default=None, unique=True, index=True)


class LoyaltyEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="loyaltyaccount.id", index=True)
    occurred_on: date
    points: int  # earned (+) or redeemed/expired (-)
    reason: str  # order | redemption | referral | expiry | adjustment | goodwill
    order_number: str | None = None
    # Entries written since points can be redeemed in the chat and granted by agents (older
    # entries have none of these): the instant, who gave the points, in which conversation,
    # the agent's words, and the reward and code a redemption bought.
    at: datetime | None = optional_timestamp()
    agent_id: int | None = Field(default=None, foreign_key="agent.id")
    conversation_id: str | None = Field(default=None, foreign_key="conversation.id")
    note: str | None = None
    reward: str | None = None
    code: str | None = None


class VerificationAttempt(SQLModel, table=True):
    """Each try of a conversation to prove it may see an order; failures are rate-limited."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversation.id", index=True)
    order_number: str | None = Field(default=None, index=True)
    method: str  # email | postal_code | identity
    succeeded: bool
    email: str | None = None  # the verified customer's email (identity or email proof)
    address: str | None = Field(default=None, index=True)  # where the shopper wrote from
    at: datetime = timestamp()


class ShopifyDelivery(SQLModel, table=True):
    """A webhook delivery already applied (X-Shopify-Webhook-Id): Shopify retries and repeats."""

    __tablename__ = "shopify_delivery"
    webhook_id: str = Field(primary_key=True)
    topic: str
    received_at: datetime = timestamp()
