"""The schema of shipping.yml: carriers, and per market the options, prices, transit times, duties."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from .fields import (
    BusinessDays,
    CountryCode,
    CurrencyCode,
    MarketName,
    Money,
    Name,
    PolicyFile,
    PolicyModel,
    Text,
    fail,
)
from .markets import Market, Problem, market_problems, override_of, rule_problems

PLACEHOLDER = "{tracking_number}"


def _tracking_url(value: Any) -> str:
    if not (
        isinstance(value, str) and value.startswith("https://") and value.count(PLACEHOLDER) == 1
    ):
        fail(f"an https:// address containing {PLACEHOLDER} once", value)
    if "{" in value.replace(PLACEHOLDER, "") or " " in value:
        fail(f"an https:// address without spaces or braces other than {PLACEHOLDER}", value)
    return value


class Carrier(PolicyModel):
    name: Text
    tracking_url: Annotated[str, BeforeValidator(_tracking_url)]


class Transit(PolicyModel):
    min: BusinessDays
    max: BusinessDays


class ShippingOption(PolicyModel):
    carrier: Name
    price: Money
    free_from: Money | None = None
    transit_days: Transit


class ShippingRules(PolicyModel):
    currency: CurrencyCode
    duties: Literal["none", "prepaid", "due_on_delivery"]
    options: Annotated[dict[Name, ShippingOption], Field(min_length=1)]


ShippingRulesOverride = override_of(ShippingRules)


class ShippingMarket(ShippingRules, Market):
    # ignore: ShippingRulesOverride is a class made at run time (override_of), which mypy cannot see.
    overrides: dict[CountryCode, ShippingRulesOverride] = {}  # type: ignore[valid-type]


class ShippingPolicy(PolicyFile):
    handling_days: BusinessDays
    carriers: Annotated[dict[Name, Carrier], Field(min_length=1)]
    markets: dict[MarketName, ShippingMarket]

    def problems(self) -> Iterator[Problem]:
        yield from market_problems(self.markets)
        yield from rule_problems(self.markets, self._option_problems)

    def _option_problems(self, rules: ShippingRules) -> Iterator[Problem]:
        for key, option in rules.options.items():
            if option.carrier not in self.carriers:
                known = ", ".join(self.carriers)
                yield (
                    ("options", key, "carrier"),
                    f"is {option.carrier!r}, which is not declared under carriers (declared: {known})",
                )
            if option.transit_days.min > option.transit_days.max:
                yield ("options", key, "transit_days", "min"), "must not be more than max"
