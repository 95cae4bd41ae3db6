"""Answers from returns.yml: can this item go back, who pays the postage, when the refund arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from .businessdays import add_business_days
from .markets import rules_for
from .returns_schema import ReturnMarket, ReturnsPolicy

FILE = "returns.yml"
CENT = Decimal("0.01")


class ReturnReason(StrEnum):
    WITHIN_WINDOW = "within_window"
    NOT_YET_DELIVERED = "not_yet_delivered"
    WINDOW_CLOSED = "window_closed"
    FINAL_SALE = "final_sale"
    EXCLUDED_CATEGORY = "excluded_category"
    EXCLUDED_SKU = "excluded_sku"


@dataclass(frozen=True)
class ReturnItem:
    sku: str
    category: str = ""
    final_sale: bool = False


@dataclass(frozen=True)
class ReturnEligibility:
    """`returnable` today, and why; the window facts when the item is not excluded outright.

    `will_be_returnable` is true for an order not delivered yet (the window opens on delivery).
    `exclusion` is the reason from the file (hygiene, gift_card, personalised, final_sale, other)
    and `rule` the category or SKU prefix that excluded the item.
    """

    returnable: bool
    reason: ReturnReason
    window_days: int
    window_ends: date | None = None
    days_left: int | None = None
    will_be_returnable: bool = False
    exclusion: str | None = None
    rule: str | None = None


def return_rules(policy: ReturnsPolicy, country: str) -> ReturnMarket:
    """The returns rules for `country` (its market with the country's override applied)."""
    return rules_for(policy.markets, country, file=FILE)


def return_eligibility(
    policy: ReturnsPolicy, country: str, item: ReturnItem, *, delivered_on: date | None, today: date
) -> ReturnEligibility:
    """Whether `item` can be returned `today`; the window counts from delivery, its last day included."""
    rules = return_rules(policy, country)
    window = rules.window_days
    excluded = policy.non_returnable
    if item.final_sale and excluded.final_sale:
        return ReturnEligibility(
            False, ReturnReason.FINAL_SALE, window, exclusion="final_sale", rule="final_sale"
        )
    if item.category in excluded.categories:
        return ReturnEligibility(
            False,
            ReturnReason.EXCLUDED_CATEGORY,
            window,
            exclusion=excluded.categories[item.category],
            rule=item.category,
        )
    for prefix, reason in excluded.sku_prefixes.items():
        if item.sku.upper().startswith(prefix.upper()):
            return ReturnEligibility(
                False, ReturnReason.EXCLUDED_SKU, window, exclusion=reason, rule=prefix
            )
    if delivered_on is None or delivered_on > today:
        return ReturnEligibility(
            False, ReturnReason.NOT_YET_DELIVERED, window, will_be_returnable=True
        )
    ends = delivered_on + timedelta(days=window)
    days_left = (ends - today).days
    if days_left < 0:
        return ReturnEligibility(
            False, ReturnReason.WINDOW_CLOSED, window, window_ends=ends, days_left=0
        )
    return ReturnEligibility(
        True, ReturnReason.WITHIN_WINDOW, window, window_ends=ends, days_left=days_left
    )


@dataclass(frozen=True)
class ReturnShippingCost:
    paid_by: str  # "shop" or "customer"
    label: str  # "prepaid" (we send a label) or "own" (the shopper ships it)
    label_price: Decimal
    currency: str | None


def return_shipping(policy: ReturnsPolicy, country: str) -> ReturnShippingCost:
    """Who pays for sending a return back, and what our label costs when it is deducted."""
    shipping = return_rules(policy, country).return_shipping
    return ReturnShippingCost(
        shipping.paid_by, shipping.label, shipping.label_price, shipping.currency
    )


def exchanges_allowed(policy: ReturnsPolicy, country: str, kind: str = "size") -> bool:
    """Whether an item can be exchanged for another `kind` ("size" or "colour") instead of refunded."""
    return kind in return_rules(policy, country).exchanges


@dataclass(frozen=True)
class RefundTimeline:
    received_on: date
    issued_by: date
    on_account_by: date
    processing_days: int
    settlement_days: int


def refund_timeline(
    policy: ReturnsPolicy, country: str, method: str, *, received_on: date
) -> RefundTimeline:
    """Return received -> refund issued -> money on the account, counted in business days."""
    refund = return_rules(policy, country).refund
    settlement = refund.settlement_days.get(method, refund.settlement_days["other"])
    issued = add_business_days(received_on, refund.processing_days)
    paid = add_business_days(issued, settlement)
    return RefundTimeline(received_on, issued, paid, refund.processing_days, settlement)


def store_credit_offer(
    policy: ReturnsPolicy, country: str, refund_amount: Decimal
) -> Decimal | None:
    """Store credit offered instead of `refund_amount` (bonus included), or None where not offered."""
    credit = return_rules(policy, country).store_credit
    if not credit.offered:
        return None
    return (refund_amount * (1 + credit.bonus_percent / 100)).quantize(CENT)
