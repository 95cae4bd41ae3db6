"""The example shop's data: orders in every state across the markets, returns, loyalty.

Dates are relative to the day the data is loaded, so the demo always reads true: an order
"in transit" was shipped a few days ago, a "delayed" one was due last week.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.columns import stored_id
from helpdesk.loyalty.codes import CodeFile, add_codes
from helpdesk.orders.models import (
    LoyaltyAccount,
    LoyaltyEntry,
    Order,
    OrderItem,
    OrderReturn,
    OrderStatus,
    RefundStatus,
    ReturnStatus,
    Shipment,
)
from helpdesk.policies.loading import Policies
from helpdesk.policies.shipping import delivery_window, shipping_rules

# (email, name, country, postal code, currency, payment method)
CUSTOMERS = [
    ("ana.garcia@example.com", "Ana García", "ES", "28013", "EUR", "card"),
    ("lukas.schmidt@example.com", "Lukas Schmidt", "DE", "10115", "EUR", "klarna"),
    ("camille.martin@example.com", "Camille Martin", "FR", "75011", "EUR", "card"),
    ("giulia.rossi@example.com", "Giulia Rossi", "IT", "00184", "EUR", "paypal"),
    ("joao.silva@example.com", "João Silva", "PT", "1250-096", "EUR", "card"),
    ("sanne.devries@example.com", "Sanne de Vries", "NL", "1017CE", "EUR", "ideal"),
    ("oliver.smith@example.com", "Oliver Smith", "GB", "SW1A1AA", "GBP", "card"),
    ("emma.johnson@example.com", "Emma Johnson", "US", "10001", "USD", "paypal"),
    ("lucas.souza@example.com", "Lucas Souza", "BR", "01310-100", "BRL", "pix"),
    ("li.wei@example.com", "Li Wei", "CN", "200000", "CNY", "alipay"),
]
# (sku, name, category, price in EUR, final sale)
CATALOGUE = [
    ("SNK-WHT-42", "White leather sneakers", "shoes", Decimal("89.90"), False),
    ("JNS-SLM-32", "Slim jeans, dark blue", "trousers", Decimal("69.00"), False),
    ("TSH-ORG-M", "Organic cotton T-shirt", "tops", Decimal("24.50"), False),
    ("SWM-BLK-38", "Black swimsuit", "swimwear", Decimal("45.00"), False),
    ("BOO-CHL-40", "Chelsea boots", "shoes", Decimal("139.00"), False),
    ("KNT-MER-L", "Merino knit sweater", "knitwear", Decimal("79.00"), False),
    ("PERS-TOTE-01", "Tote bag with your initials", "bags", Decimal("35.00"), False),
    ("JKT-RAIN-M", "Rain jacket (outlet)", "outerwear", Decimal("59.00"), True),
    ("GFT-50", "Gift card", "gift_card", Decimal("50.00"), False),
]
RATES = {
    "EUR": Decimal("1"),
    "GBP": Decimal("0.86"),
    "USD": Decimal("1.08"),
    "BRL": Decimal("5.90"),
    "CNY": Decimal("7.80"),
}
# status -> (how many, days since placed)
PLAN = [
    (OrderStatus.PLACED, 2, 0),
    (OrderStatus.PAID, 4, 1),
    (OrderStatus.SHIPPED, 3, 2),
    (OrderStatus.IN_TRANSIT, 6, 4),
    (OrderStatus.DELAYED, 4, 18),
    (OrderStatus.DELIVERED, 8, 12),
    (OrderStatus.RETURNED, 4, 30),
    (OrderStatus.CANCELLED, 3, 6),
]
FIRST_NUMBER = 10001
# Example discount codes per reward of loyalty.yml: a shopper of the example shop who redeems
# points gets one, as in a shop that imported the codes its shop system made.
DEMO_CODES_PER_REWARD = 20


async def load_demo_shop(session: AsyncSession, policies: Policies, *, today: date) -> int:
    """Add the example orders unless the shop already has orders; returns how many were added."""
    if (await session.exec(select(Order.id).limit(1))).first() is not None:
        return 0
    shuffle = random.Random(20261122)  # the same shop every time
    number = FIRST_NUMBER
    for status, count, age in PLAN:
        for index in range(count):
            customer = CUSTOMERS[(number + index) % len(CUSTOMERS)]
            placed = today - timedelta(days=age + index)
            await _add_order(
                session, policies, str(number), status, customer, placed, shuffle, today
            )
            number += 1
    for customer in CUSTOMERS:
        await _add_loyalty(session, customer, shuffle, today)
    await session.commit()
    return number - FIRST_NUMBER


async def stock_demo_codes(session: AsyncSession, policies: Policies, *, now: datetime) -> int:
    """Fill every reward's pool with example codes (`DEMO-EUR-25-OFF-001`…), in the caller's
    transaction; returns how many were new. Apart from the orders, so that a test can keep a
    pool dry."""
    added = 0
    for reward in policies.loyalty.rewards:
        prefix = "DEMO-" + reward.name.upper().replace("_", "-")
        codes = tuple(f"{prefix}-{n:03d}" for n in range(1, DEMO_CODES_PER_REWARD + 1))
        added += (await add_codes(session, reward.name, CodeFile(codes, 0, 0), now=now)).added
    return added


async def _add_order(session, policies, number, status, customer, placed, shuffle, today) -> None:
    email, name, country, postal, currency, method = customer
    picks = shuffle.sample(CATALOGUE, k=shuffle.choice((1, 2, 3)))
    items = [
        OrderItem(
            order_id=0,
            sku=sku,
            name=title,
            category=category,
            quantity=1,
            unit_price=(price * RATES[currency]).quantize(Decimal("0.01")),
            final_sale=final,
        )
        for sku, title, category, price, final in picks
    ]
    subtotal = sum((item.unit_price for item in items), Decimal("0"))
    option = "express" if number.endswith(("3", "7")) else "standard"
    order = Order(
        number=number,
        email=email,
        postal_code=postal,
        country=country,
        currency=currency,
        subtotal=subtotal,
        shipping_cost=Decimal("0"),
        total=subtotal,
        placed_at=datetime.combine(placed, time(10, 30), UTC),
        status=status,
        payment_method=method,
        shipping_option=option,
        customer_name=name,
        source="demo",
    )
    session.add(order)
    await session.flush()
    for item in items:
        item.order_id = stored_id(order)
    session.add_all(items)
    if status not in (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.CANCELLED):
        session.add(_shipment(policies, order, placed, today))
    if status == OrderStatus.RETURNED or (
        status == OrderStatus.DELIVERED and number.endswith(("2", "5"))
    ):
        session.add(_return(order, items[0], today, refunded=status == OrderStatus.RETURNED))


def _shipment(policies: Policies, order: Order, placed: date, today: date) -> Shipment:
    carrier = (
        shipping_rules(policies.shipping, order.country).options[order.shipping_option].carrier
    )
    shipped = placed + timedelta(days=1)
    window = delivery_window(
        policies.shipping, order.country, order.shipping_option, shipped_on=shipped
    )
    delivered = None
    if order.status in (OrderStatus.DELIVERED, OrderStatus.RETURNED):
        delivered = min(window.latest, today - timedelta(days=1))
    estimate = window.latest if order.status != OrderStatus.DELAYED else today - timedelta(days=5)
    return Shipment(
        order_id=stored_id(order),
        carrier=carrier,
        tracking_number=f"AN{order.number}NL",
        shipped_on=shipped,
        estimated_delivery=estimate,
        delivered_on=delivered,
    )


def _return(order: Order, item: OrderItem, today: date, *, refunded: bool) -> OrderReturn:
    return OrderReturn(
        rma=f"RMA-{order.number}-1",
        order_id=stored_id(order),
        items=[{"sku": item.sku, "quantity": 1}],
        reason="size",
        refund_amount=item.unit_price,
        status=ReturnStatus.REFUNDED if refunded else ReturnStatus.RECEIVED,
        refund_status=RefundStatus.SETTLED if refunded else RefundStatus.PROCESSING,
        received_on=today - timedelta(days=10 if refunded else 1),
        refund_issued_on=today - timedelta(days=7) if refunded else None,
    )


async def _add_loyalty(session, customer, shuffle, today) -> None:
    email, _, country, *_ = customer
    earned = shuffle.randrange(120, 2600, 10)
    redeemed = shuffle.choice((0, 0, 100, 500)) if earned > 600 else 0
    account = LoyaltyAccount(
        email=email,
        country=country,
        balance=earned - redeemed,
        points_last_12_months=earned,
        last_activity=today - timedelta(days=6),
    )
    session.add(account)
    await session.flush()
    session.add(
        LoyaltyEntry(
            account_id=stored_id(account),
            occurred_on=today - timedelta(days=90),
            points=earned,
            reason="order",
        )
    )
    if redeemed:
        session.add(
            LoyaltyEntry(
                account_id=stored_id(account),
                occurred_on=today - timedelta(days=6),
                points=-redeemed,
                reason="redemption",
            )
        )
