"""Answers from payments.yml: payment methods and currency per country, instalments for an amount."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .markets import rules_for
from .payments_schema import PaymentMarket, PaymentsPolicy

FILE = "payments.yml"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MethodOffer:
    method: str
    names: dict[str, str]  # by language; "en" always

    @property
    def name(self) -> str:
        return self.names["en"]


@dataclass(frozen=True)
class InstalmentOption:
    """`count` interest-free instalments of `amount` (rounded to the cent; the total is the order's)."""

    count: int
    amount: Decimal
    currency: str


def payment_rules(policy: PaymentsPolicy, country: str) -> PaymentMarket:
    return rules_for(policy.markets, country, file=FILE)


def payment_methods(policy: PaymentsPolicy, country: str) -> tuple[MethodOffer, ...]:
    """The methods offered in `country`, in the order the file lists them."""
    return tuple(
        MethodOffer(m, policy.methods[m].name) for m in payment_rules(policy, country).methods
    )


def currency_for(policy: PaymentsPolicy, country: str) -> str:
    """The ISO 4217 currency orders from `country` are charged in."""
    return payment_rules(policy, country).currency


def instalment_options(
    policy: PaymentsPolicy, country: str, amount: Decimal, method: str = "card"
) -> tuple[InstalmentOption, ...]:
    """Every interest-free split of `amount` paid with `method`: 2..max instalments, each at least the
    minimum; empty when the market has none, the amount is below the minimum order or the method
    cannot be split."""
    rules = payment_rules(policy, country)
    plan = rules.instalments
    if plan is None or method not in plan.methods or amount < plan.min_order:
        return ()
    return tuple(
        InstalmentOption(count, (amount / count).quantize(CENT, ROUND_HALF_UP), rules.currency)
        for count in range(2, plan.max_count + 1)
        if amount / count >= plan.min_instalment
    )
