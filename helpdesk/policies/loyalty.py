"""Answers from loyalty.yml: points an order earns, tiers, redemption, expiry, referral bonus."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from .errors import UnknownName
from .loyalty_schema import LoyaltyMarket, LoyaltyPolicy, Promotion, Tier
from .markets import market_of, rules_for

FILE = "loyalty.yml"


@dataclass(frozen=True)
class PointsEarned:
    points: int
    tier_multiplier: Decimal
    promotion_multiplier: Decimal
    promotion: str | None


@dataclass(frozen=True)
class TierStatus:
    tier: str
    perks: tuple[str, ...]
    next_tier: str | None
    points_to_next: int | None


@dataclass(frozen=True)
class RedemptionOption:
    """What `balance` buys: `points` redeemed for `discount`; `points_short` to reach the minimum."""

    points: int
    discount: Decimal
    currency: str
    minimum_points: int
    step_points: int
    points_short: int


@dataclass(frozen=True)
class ReferralBonus:
    referrer_points: int
    friend_points: int


def loyalty_rules(policy: LoyaltyPolicy, country: str) -> LoyaltyMarket:
    return rules_for(policy.markets, country, file=FILE)


def _tier(policy: LoyaltyPolicy, name: str) -> Tier:
    for tier in policy.tiers:
        if tier.name == name:
            return tier
    raise UnknownName("tier", name)


def promotion_on(policy: LoyaltyPolicy, country: str, day: date) -> Promotion | None:
    """The promotion with the highest multiplier running in `country`'s market on `day`, if any."""
    market = market_of(policy.markets, country)
    running = [
        promotion
        for promotion in policy.promotions
        if market in promotion.markets and promotion.runs_on(day)
    ]
    return max(running, key=lambda promotion: promotion.multiplier, default=None)


def points_for_order(
    policy: LoyaltyPolicy,
    country: str,
    amount: Decimal,
    *,
    placed_on: date,
    tier: str | None = None,
) -> PointsEarned:
    """Points earned by an order of `amount` (market currency, products only), rounded down."""
    rules = loyalty_rules(policy, country)
    tier_multiplier = _tier(policy, tier).earn_multiplier if tier else Decimal(1)
    promotion = promotion_on(policy, country, placed_on)
    promo_multiplier = promotion.multiplier if promotion else Decimal(1)
    raw = max(amount, Decimal(0)) * rules.points_per_unit * tier_multiplier * promo_multiplier
    points = int(raw.to_integral_value(rounding=ROUND_FLOOR))
    return PointsEarned(
        points, tier_multiplier, promo_multiplier, promotion.name if promotion else None
    )


def tier_status(policy: LoyaltyPolicy, points_last_12_months: int) -> TierStatus:
    """The tier reached with the points earned in the last 12 months, and the gap to the next one."""
    reached = [tier for tier in policy.tiers if tier.from_points <= points_last_12_months] or [
        policy.tiers[0]
    ]
    current = reached[-1]
    higher = [tier for tier in policy.tiers if tier.from_points > points_last_12_months]
    if not higher:
        return TierStatus(current.name, current.perks, None, None)
    return TierStatus(
        current.name, current.perks, higher[0].name, higher[0].from_points - points_last_12_months
    )


def redemption_option(policy: LoyaltyPolicy, country: str, balance: int) -> RedemptionOption:
    """The largest discount `balance` points buy in `country`'s currency (0 below the minimum)."""
    rules = loyalty_rules(policy, country)
    redeem = rules.redemption
    steps = balance // redeem.step_points if balance >= redeem.minimum_points else 0
    points = steps * redeem.step_points
    if points < redeem.minimum_points:  # a minimum that is not a whole number of steps
        steps, points = 0, 0
    short = max(redeem.minimum_points - balance, 0)
    return RedemptionOption(
        points,
        steps * redeem.step_value,
        rules.currency,
        redeem.minimum_points,
        redeem.step_points,
        short,
    )


def points_expire_on(policy: LoyaltyPolicy, last_activity: date) -> date:
    """The day points expire: `expiry_months` after the last earning or redeeming (clamped to month end)."""
    month_index = last_activity.month - 1 + policy.expiry_months
    year, month = last_activity.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(last_activity.day, calendar.monthrange(year, month)[1]))


def referral_bonus(policy: LoyaltyPolicy, country: str) -> ReferralBonus:
    referral = loyalty_rules(policy, country).referral
    return ReferralBonus(referral.referrer_points, referral.friend_points)
