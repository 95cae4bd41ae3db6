"""Answers from shipping.yml: options per country, delivery dates, free shipping, duties, tracking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from .businessdays import add_business_days
from .errors import UnknownName
from .markets import market_of, rules_for
from .shipping_schema import PLACEHOLDER, ShippingMarket, ShippingOption, ShippingPolicy

FILE = "shipping.yml"


@dataclass(frozen=True)
class ShippingOffer:
    option: str
    carrier: str  # the carrier's display name
    price: Decimal
    currency: str
    free_from: Decimal | None
    min_days: int
    max_days: int


@dataclass(frozen=True)
class DeliveryWindow:
    earliest: date
    latest: date


@dataclass(frozen=True)
class FreeShippingGap:
    """How far a basket is from free shipping; `threshold` None means the option is never free."""

    currency: str
    threshold: Decimal | None
    remaining: Decimal | None
    already_free: bool


def shipping_rules(policy: ShippingPolicy, country: str) -> ShippingMarket:
    """The shipping rules for `country`; raises NotServed for a country we do not ship to."""
    return rules_for(policy.markets, country, file=FILE)


def ships_to(policy: ShippingPolicy, country: str) -> bool:
    return market_of(policy.markets, country) is not None


def shipping_options(policy: ShippingPolicy, country: str) -> tuple[ShippingOffer, ...]:
    """The delivery options offered in `country`, in the file's order."""
    rules = shipping_rules(policy, country)
    return tuple(_offer(policy, rules, name, option) for name, option in rules.options.items())


def _option(
    policy: ShippingPolicy, country: str, option: str
) -> tuple[ShippingMarket, ShippingOption]:
    rules = shipping_rules(policy, country)
    if option not in rules.options:
        raise UnknownName("shipping option", option)
    return rules, rules.options[option]


def _offer(
    policy: ShippingPolicy, rules: ShippingMarket, name: str, option: ShippingOption
) -> ShippingOffer:
    return ShippingOffer(
        name,
        policy.carriers[option.carrier].name,
        option.price,
        rules.currency,
        option.free_from,
        option.transit_days.min,
        option.transit_days.max,
    )


def delivery_window(
    policy: ShippingPolicy,
    country: str,
    option: str,
    *,
    placed_on: date | None = None,
    shipped_on: date | None = None,
) -> DeliveryWindow:
    """Earliest and latest delivery date, in business days from shipping (or from placing + handling)."""
    _, chosen = _option(policy, country, option)
    if shipped_on is None:
        if placed_on is None:
            raise ValueError("give placed_on or shipped_on")
        shipped_on = add_business_days(placed_on, policy.handling_days)
    transit = chosen.transit_days
    return DeliveryWindow(
        add_business_days(shipped_on, transit.min), add_business_days(shipped_on, transit.max)
    )


def free_shipping_gap(
    policy: ShippingPolicy, country: str, basket_total: Decimal, option: str = "standard"
) -> FreeShippingGap:
    """What is left to spend (in the market currency) for `option` to be free."""
    rules, chosen = _option(policy, country, option)
    if chosen.free_from is None:
        return FreeShippingGap(rules.currency, None, None, False)
    remaining = max(chosen.free_from - basket_total, Decimal(0))
    return FreeShippingGap(rules.currency, chosen.free_from, remaining, remaining == 0)


def shipping_price(
    policy: ShippingPolicy, country: str, basket_total: Decimal, option: str = "standard"
) -> Decimal:
    """The price of `option` for a basket of `basket_total` (0 from its free_from)."""
    _, chosen = _option(policy, country, option)
    free = chosen.free_from is not None and basket_total >= chosen.free_from
    return Decimal(0) if free else chosen.price


def duties_mode(policy: ShippingPolicy, country: str) -> str:
    """none (no customs) | prepaid (we pay duties and taxes) | due_on_delivery (the shopper pays)."""
    return shipping_rules(policy, country).duties


def tracking_url(policy: ShippingPolicy, carrier: str, tracking_number: str) -> str:
    """The carrier's tracking link for `tracking_number` (escaped: it goes into a URL)."""
    if carrier not in policy.carriers:
        raise UnknownName("carrier", carrier)
    number = tracking_number.strip()
    if not number:
        raise ValueError("tracking_number is empty")
    return policy.carriers[carrier].tracking_url.replace(PLACEHOLDER, quote(number, safe=""))
