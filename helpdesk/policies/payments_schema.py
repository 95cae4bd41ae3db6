"""The schema of payments.yml: the payment methods, and per market the currency, methods, instalments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field

from .fields import (
    CountryCode,
    CurrencyCode,
    InLanguages,
    MarketName,
    Money,
    Name,
    PolicyFile,
    PolicyModel,
    whole_check,
)
from .markets import Market, Problem, market_problems, override_of, rule_problems


class PaymentMethod(PolicyModel):
    name: InLanguages  # what shoppers read, in their language where the file has it


class Instalments(PolicyModel):
    max_count: Annotated[int, whole_check(2, 24, "instalments")]
    min_order: Money
    min_instalment: Money
    methods: Annotated[tuple[Name, ...], Field(min_length=1)]


class PaymentRules(PolicyModel):
    currency: CurrencyCode
    methods: Annotated[tuple[Name, ...], Field(min_length=1)]
    instalments: Instalments | None = None


PaymentRulesOverride = override_of(PaymentRules)


class PaymentMarket(PaymentRules, Market):
    # ignore: PaymentRulesOverride is a class made at run time (override_of), which mypy cannot see.
    overrides: dict[CountryCode, PaymentRulesOverride] = {}  # type: ignore[valid-type]


class PaymentsPolicy(PolicyFile):
    methods: Annotated[dict[Name, PaymentMethod], Field(min_length=1)]
    markets: dict[MarketName, PaymentMarket]

    def problems(self) -> Iterator[Problem]:
        yield from market_problems(self.markets)
        yield from rule_problems(self.markets, self._rule_problems)

    def _rule_problems(self, rules: PaymentRules) -> Iterator[Problem]:
        known = ", ".join(self.methods)
        for index, method in enumerate(rules.methods):
            if method not in self.methods:
                yield (
                    ("methods", index),
                    f"is {method!r}, which is not declared under methods (declared: {known})",
                )
        if rules.instalments:
            for index, method in enumerate(rules.instalments.methods):
                if method not in rules.methods:
                    yield (
                        ("instalments", "methods", index),
                        f"is {method!r}, which is not one of this market's methods ({', '.join(rules.methods)})",
                    )
