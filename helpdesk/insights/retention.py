"""Retention from the shop's orders: do customers who talked to support come back to buy?

For a date range [start, end) (README, "Retention: what each figure means"):

- A customer is an order's email; an order counts unless it was cancelled.
- Active at a moment: a counted order placed within `churn_days` (insights.yml) before it. The
  cohort of the range is every customer active at some moment of it: a counted order placed in
  [start - churn_days, end).
- Contacted: linked to a conversation begun in the range (customers.conversation_customers).
- Repeat-purchase rate: cohort customers with two or more counted orders placed before `end`,
  divided by the cohort.
- Churn rate: cohort customers no longer active at `end` (no counted order in
  [end - churn_days, end)), divided by the cohort.
- Average order value, per currency: the totals of the counted orders placed in the range (as
  placed: shipping in, refunds not taken off), divided by their number.
- Lifetime value, per currency: the net revenue (totals less refunds issued) of every counted
  order the cohort placed before `end`, divided by the cohort customers with such an order in
  that currency. Only the history the shop's data holds: the value so far, not a forecast.
- Market: that of the customer's latest order's country, by payments.yml's markets (the market
  the order was charged in); "unknown" for a country no market serves.
- Language: that of the customer's latest conversation begun before `end`; "unknown" for a
  customer who never wrote (orders carry no language).

Amounts are never added across currencies. The sums are made in SQL (retention_sql.py), per
(contacted, language, country, currency); each customer falls in exactly one (contacted,
language, country), so markets and languages add them up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.insights.customers import CENT, amount_of, utc
from helpdesk.insights.retention_sql import retention_figures
from helpdesk.insights.sql import for_reports
from helpdesk.languages.tags import base_language
from helpdesk.policies.insights_schema import InsightsPolicy
from helpdesk.policies.markets import Market, market_of

UNKNOWN = "unknown"


class CurrencyFigures(BaseModel):
    """A cohort's money in one currency."""

    currency: str
    customers: int  # cohort customers with a counted order in this currency before the end
    orders: int  # their counted orders placed in the range
    order_total: Decimal  # the totals of those orders
    average_order_value: Decimal | None  # order_total / orders; None without orders
    net_revenue: Decimal  # totals less refunds of all their counted orders before the end
    lifetime_value: Decimal | None  # net_revenue / customers


class CohortFigures(BaseModel):
    customers: int
    repeat_customers: int
    churned_customers: int
    repeat_purchase_rate: float | None  # None for an empty cohort
    churn_rate: float | None
    currencies: list[CurrencyFigures]


class Comparison(BaseModel):
    """Customers who contacted support in the range against those who did not, in one group."""

    group: str  # "all", a market name or a language code
    contacted: CohortFigures
    not_contacted: CohortFigures


class Retention(BaseModel):
    start: datetime
    end: datetime
    churn_days: int
    everyone: Comparison
    by_market: list[Comparison]
    by_language: list[Comparison]


async def retention(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    insights: InsightsPolicy,
    markets: Mapping[str, Market],
) -> Retention:
    """The retention figures of [start, end), split by market (of `markets`) and by language."""
    start, end = utc(start), utc(end)
    await for_reports(session)
    tally = _Tally(markets)
    for contacted, lang, country, currency, *sums in await session.exec(
        retention_figures(start, end, insights)
    ):
        tally.add(contacted, lang, country, currency, *sums)
    return Retention(
        start=start,
        end=end,
        churn_days=insights.churn_days,
        everyone=tally.comparison("all", "all"),
        by_market=tally.comparisons("market"),
        by_language=tally.comparisons("language"),
    )


@dataclass
class _Money:
    customers: int = 0
    orders: int = 0
    total_cents: int = 0
    net_cents: int = 0

    def figures(self, currency: str) -> CurrencyFigures:
        return CurrencyFigures(
            currency=currency,
            customers=self.customers,
            orders=self.orders,
            order_total=amount_of(self.total_cents),
            average_order_value=_average(self.total_cents, self.orders),
            net_revenue=amount_of(self.net_cents),
            lifetime_value=_average(self.net_cents, self.customers),
        )


@dataclass
class _Cohort:
    customers: int = 0
    repeat: int = 0
    churned: int = 0
    money: dict[str, _Money] = field(default_factory=lambda: defaultdict(_Money))

    def figures(self) -> CohortFigures:
        return CohortFigures(
            customers=self.customers,
            repeat_customers=self.repeat,
            churned_customers=self.churned,
            repeat_purchase_rate=self.repeat / self.customers if self.customers else None,
            churn_rate=self.churned / self.customers if self.customers else None,
            currencies=[self.money[code].figures(code) for code in sorted(self.money)],
        )


class _Tally:
    """The cells' sums added up per group: everyone, each market, each language."""

    def __init__(self, markets: Mapping[str, Market]) -> None:
        self.markets = markets
        # (split, group) -> [not contacted, contacted]
        self.cohorts: dict[tuple[str, str], tuple[_Cohort, _Cohort]] = defaultdict(
            lambda: (_Cohort(), _Cohort())
        )

    def _cohorts(self, contacted: int, lang: str, country: str) -> list[_Cohort]:
        groups = [
            ("all", "all"),
            ("market", market_of(self.markets, country) or UNKNOWN),
            ("language", base_language(lang) or UNKNOWN),
        ]
        return [self.cohorts[group][int(contacted)] for group in groups]

    def add(self, contacted, lang, country, currency, *sums) -> None:
        customers, repeat, churned, buyers, orders, total, net = (int(sum_) for sum_ in sums)
        for cohort in self._cohorts(contacted, lang, country):
            cohort.customers += customers
            cohort.repeat += repeat
            cohort.churned += churned
            money = cohort.money[currency]
            money.customers += buyers
            money.orders += orders
            money.total_cents += total
            money.net_cents += net

    def comparison(self, split: str, group: str) -> Comparison:
        not_contacted, contacted = self.cohorts[(split, group)]
        return Comparison(
            group=group, contacted=contacted.figures(), not_contacted=not_contacted.figures()
        )

    def comparisons(self, split: str) -> list[Comparison]:
        groups = sorted(group for kind, group in list(self.cohorts) if kind == split)
        return [self.comparison(split, group) for group in groups]


def _average(cents: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(cents) / 100 / count).quantize(CENT, ROUND_HALF_UP)
