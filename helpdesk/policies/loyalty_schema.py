"""The schema of loyalty.yml: earning, tiers, redemption, expiry, referral bonus and promotions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Annotated

from pydantic import Field

from .fields import (
    CountryCode,
    CurrencyCode,
    Day,
    InLanguages,
    MarketName,
    Money,
    Multiplier,
    Name,
    Points,
    PolicyFile,
    PolicyModel,
    decimal_check,
    whole_check,
)
from .markets import Market, Problem, market_problems, override_of

Month = Annotated[int, whole_check(1, 12, "a month")]
PointsPerUnit = Annotated[
    Decimal,
    decimal_check("0", "1000", "a number of points from 0 to 1000 such as 1 or 0.2", places=2),
]


class Redemption(PolicyModel):
    step_points: Annotated[int, whole_check(1, 1_000_000, "points")]
    step_value: Money
    minimum_points: Points


class Referral(PolicyModel):
    referrer_points: Points
    friend_points: Points


class LoyaltyRules(PolicyModel):
    currency: CurrencyCode
    points_per_unit: PointsPerUnit
    redemption: Redemption
    referral: Referral


LoyaltyRulesOverride = override_of(LoyaltyRules)


class LoyaltyMarket(LoyaltyRules, Market):
    # ignore: LoyaltyRulesOverride is a class made at run time (override_of), which mypy cannot see.
    overrides: dict[CountryCode, LoyaltyRulesOverride] = {}  # type: ignore[valid-type]


class Tier(PolicyModel):
    name: Name
    # What shoppers read, by language; the short name, capitalised, where none is given.
    title: InLanguages | None = None
    from_points: Points
    earn_multiplier: Multiplier = Decimal(1)
    perks: tuple[Name, ...] = ()


class Promotion(PolicyModel):
    name: Name
    markets: Annotated[tuple[MarketName, ...], Field(min_length=1)]
    multiplier: Multiplier
    months: tuple[Month, ...] = ()
    starts: Day | None = None
    ends: Day | None = None

    def runs_on(self, day: date) -> bool:
        if day.month in self.months:
            return True
        return self.starts is not None and self.ends is not None and self.starts <= day <= self.ends


class Reward(PolicyModel):
    """A discount code the points buy in the chat, from the pool the merchant imports."""

    name: Name
    points: Annotated[int, whole_check(1, 10_000_000, "points")]
    discount: Money  # in the currency of its markets
    markets: Annotated[tuple[MarketName, ...], Field(min_length=1)]


class LoyaltyPolicy(PolicyFile):
    expiry_months: Annotated[int, whole_check(1, 120, "months")]
    tiers: Annotated[tuple[Tier, ...], Field(min_length=1)]
    promotions: tuple[Promotion, ...] = ()
    rewards: tuple[Reward, ...] = ()
    # 0 (a file without it): agents grant no goodwill points.
    goodwill_max_points_per_grant: Annotated[int, whole_check(0, 100_000, "points")] = 0
    # The page a referred friend opens, with {code} where the member's code goes; none: the bot
    # gives no referral codes.
    referral_link: str | None = None
    markets: dict[MarketName, LoyaltyMarket]

    def problems(self) -> Iterator[Problem]:
        yield from market_problems(self.markets)
        if self.tiers[0].from_points != 0:
            yield (
                ("tiers", 0, "from_points"),
                "must be 0: the first tier is where every member starts",
            )
        for index, (lower, tier) in enumerate(pairwise(self.tiers), start=1):
            if tier.from_points <= lower.from_points:
                yield (
                    ("tiers", index, "from_points"),
                    f"must be more than the tier before it ({lower.name}: {lower.from_points}), got "
                    f"{tier.from_points}; list tiers from lowest to highest",
                )
        names = [tier.name for tier in self.tiers]
        for index, name in enumerate(names):
            if name in names[:index]:
                yield ("tiers", index, "name"), f"is {name!r} again; each tier needs its own name"
        for index, promotion in enumerate(self.promotions):
            yield from _promotion_problems(("promotions", index), promotion, self.markets)
        for index, reward in enumerate(self.rewards):
            yield from _reward_problems(index, reward, self.rewards[:index], self.markets)
        link = self.referral_link
        if link is not None and not (link.startswith(("https://", "http://")) and "{code}" in link):
            yield (
                ("referral_link",),
                f"must be a web address with {{code}} where the member's code goes, such as "
                f"https://shop.example/invite/{{code}}; got {link!r}",
            )


def _reward_problems(
    index: int, reward: Reward, before: tuple[Reward, ...], markets: dict
) -> Iterator[Problem]:
    if reward.name in (earlier.name for earlier in before):
        yield (
            ("rewards", index, "name"),
            f"is {reward.name!r} again; each reward needs its own name",
        )
    currencies: dict[str, str] = {}
    for position, market in enumerate(reward.markets):
        if market not in markets:
            known = ", ".join(markets)
            yield (
                ("rewards", index, "markets", position),
                f"is {market!r}, which is not a market of this file ({known})",
            )
        else:
            currencies.setdefault(markets[market].currency, market)
    if len(currencies) > 1:
        # One code takes one amount off: in two currencies it would be worth two things.
        listed = ", ".join(f"{market} {currency}" for currency, market in currencies.items())
        yield (
            ("rewards", index, "markets"),
            f"must all have one currency, the discount's; got {listed}",
        )


def _promotion_problems(
    at: tuple[str | int, ...], promotion: Promotion, markets: dict
) -> Iterator[Problem]:
    for position, market in enumerate(promotion.markets):
        if market not in markets:
            known = ", ".join(markets)
            yield (
                (*at, "markets", position),
                f"is {market!r}, which is not a market of this file ({known})",
            )
    dated = promotion.starts is not None or promotion.ends is not None
    if bool(promotion.months) == dated:
        yield (
            at,
            "needs either months (every year) or starts and ends (once), not both and not neither",
        )
    elif dated and (promotion.starts is None or promotion.ends is None):
        yield at, "needs both starts and ends"
    elif (
        promotion.starts is not None
        and promotion.ends is not None
        and promotion.starts > promotion.ends
    ):
        yield (*at, "ends"), f"must not be before starts ({promotion.starts}), got {promotion.ends}"


def tier_title(tier: Tier) -> dict[str, str]:
    """The tier's name as shoppers read it, by language ("en" always)."""
    return tier.title or {"en": tier.name.replace("_", " ").capitalize()}
