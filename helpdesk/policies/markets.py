"""Markets: which block of a policy file applies to a country, with its per-country override applied."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, get_type_hints

from pydantic import create_model

from .codes import COUNTRIES
from .errors import NotServed, UnknownName
from .fields import Countries, PolicyModel, Problem

DEFAULT = "default"
R = TypeVar("R", bound=PolicyModel)


class Market(PolicyModel):
    """Mixed into a file's rules: the countries a market covers and its per-country overrides.

    A subclass declares `overrides: dict[CountryCode, override_of(Rules)]`.
    """

    countries: Countries = ()


M = TypeVar("M", bound=Market)


def override_of(rules: type[R]) -> type[PolicyModel]:
    """The same fields as `rules`, all optional: an override names only what differs for a country."""
    hints = get_type_hints(rules, include_extras=True)
    fields: Any = {name: (hints[name] | None, None) for name in rules.model_fields}
    return create_model(f"{rules.__name__}Override", __base__=PolicyModel, **fields)


def market_of(markets: Mapping[str, Market], country: str) -> str | None:
    """The name of the market serving `country`, or None. `default` without countries takes the rest."""
    country = country.strip().upper()
    if country not in COUNTRIES:
        return None
    for name, market in markets.items():
        if country in market.countries:
            return name
    default = markets.get(DEFAULT)
    return DEFAULT if default is not None and not default.countries else None


def rules_for(markets: Mapping[str, M], country: str, *, file: str) -> M:
    """The rules for `country`: its market's block with the country's override laid on top."""
    name = market_of(markets, country)
    if country.strip().upper() not in COUNTRIES:
        raise UnknownName("country code", country)
    if name is None:
        raise NotServed(file, country)
    return _with_override(markets[name], country.strip().upper())


def _with_override(market: R, country: str) -> R:
    override = getattr(market, "overrides", {}).get(country)
    if override is None:
        return market
    return market.model_copy(
        update={field: getattr(override, field) for field in override.model_fields_set}
    )


def rule_problems(
    markets: Mapping[str, R], check: Callable[[R], Iterable[Problem]]
) -> Iterator[Problem]:
    """Run `check` on each market's rules and on each override's effective rules.

    An override is only blamed for problems its market does not already have.
    """
    for name, market in markets.items():
        own = list(check(market))
        yield from ((("markets", name, *path), message) for path, message in own)
        for country in getattr(market, "overrides", {}):
            for path, message in check(_with_override(market, country)):
                if (path, message) not in own:
                    yield ("markets", name, "overrides", country, *path), message


def market_problems(markets: Mapping[str, Market]) -> Iterator[Problem]:
    """Countries in two markets, markets without countries, overrides for a country outside the market."""
    owner: dict[str, str] = {}
    for name, market in markets.items():
        if name != DEFAULT and not market.countries:
            yield (
                ("markets", name, "countries"),
                "must list at least one country (only default may leave it out)",
            )
        for index, country in enumerate(market.countries):
            if country in owner:
                yield (
                    ("markets", name, "countries", index),
                    f"lists {country}, which market {owner[country]} already covers; a country belongs to one market",
                )
            owner.setdefault(country, name)
    for name, market in markets.items():
        for country in getattr(market, "overrides", {}):
            if market_of(markets, country) != name:
                where = market_of(markets, country)
                covered = f"it belongs to market {where}" if where else "no market covers it"
                yield (
                    ("markets", name, "overrides", country),
                    f"is an override for {country}, but {country} is not a country of market {name}; {covered}",
                )
