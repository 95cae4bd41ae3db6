"""The schema of returns.yml: return windows, who pays return shipping, exchanges, refunds."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Literal

from .fields import (
    BusinessDays,
    CountryCode,
    CurrencyCode,
    Days,
    Flag,
    MarketName,
    Money,
    Name,
    Percent,
    PolicyFile,
    PolicyModel,
    SkuPrefix,
)
from .markets import Market, Problem, market_problems, override_of, rule_problems

ExclusionReason = Literal["hygiene", "gift_card", "personalised", "final_sale", "other"]


class NonReturnable(PolicyModel):
    final_sale: Flag
    categories: dict[Name, ExclusionReason] = {}
    sku_prefixes: dict[SkuPrefix, ExclusionReason] = {}


class ReturnShipping(PolicyModel):
    paid_by: Literal["shop", "customer"]
    label: Literal["prepaid", "own"]
    label_price: Money = Decimal(0)
    currency: CurrencyCode | None = None


class Refund(PolicyModel):
    processing_days: BusinessDays
    settlement_days: dict[Name, BusinessDays]


class StoreCredit(PolicyModel):
    offered: Flag
    bonus_percent: Percent = Decimal(0)


class ReturnRules(PolicyModel):
    statutory_days: Days
    window_days: Days
    return_shipping: ReturnShipping
    exchanges: tuple[Literal["size", "colour"], ...] = ()
    refund: Refund
    store_credit: StoreCredit


ReturnRulesOverride = override_of(ReturnRules)


class ReturnMarket(ReturnRules, Market):
    # ignore: ReturnRulesOverride is a class made at run time (override_of), which mypy cannot see.
    overrides: dict[CountryCode, ReturnRulesOverride] = {}  # type: ignore[valid-type]


class ReturnsPolicy(PolicyFile):
    non_returnable: NonReturnable
    markets: dict[MarketName, ReturnMarket]

    def problems(self) -> Iterator[Problem]:
        yield from market_problems(self.markets)
        yield from rule_problems(self.markets, _rule_problems)


def _rule_problems(rules: ReturnRules) -> Iterator[Problem]:
    if rules.window_days < rules.statutory_days:
        yield (
            ("window_days",),
            f"is {rules.window_days} days, shorter than the statutory {rules.statutory_days}; "
            "the shop cannot give less than the law",
        )
    shipping = rules.return_shipping
    if shipping.paid_by == "shop" and shipping.label_price:
        yield ("return_shipping", "label_price"), "must be 0 when paid_by is shop"
    if shipping.label_price and shipping.currency is None:
        yield ("return_shipping", "currency"), "is required when label_price is not 0"
    if "other" not in rules.refund.settlement_days:
        yield (
            ("refund", "settlement_days"),
            "must include other: the business days for any payment method not listed",
        )
