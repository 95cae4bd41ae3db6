from datetime import date
from decimal import Decimal

import pytest
from policy_files import shipped

from helpdesk.policies import (
    UnknownName,
    points_expire_on,
    points_for_order,
    promotion_on,
    redemption_option,
    referral_bonus,
    tier_status,
)

JUNE = date(2025, 6, 10)


def test_points_per_currency_rounded_down():
    assert points_for_order(shipped().loyalty, "FR", Decimal("89.99"), placed_on=JUNE).points == 89
    assert points_for_order(shipped().loyalty, "BR", Decimal("499.90"), placed_on=JUNE).points == 99
    assert points_for_order(shipped().loyalty, "CN", Decimal("1000"), placed_on=JUNE).points == 150


def test_tier_multiplier():
    earned = points_for_order(shipped().loyalty, "US", Decimal("100"), placed_on=JUNE, tier="gold")
    assert (earned.points, earned.tier_multiplier) == (150, Decimal("1.5"))
    with pytest.raises(UnknownName):
        points_for_order(shipped().loyalty, "US", Decimal("100"), placed_on=JUNE, tier="platinum")


def test_double_points_in_brazil_in_november_only():
    november = points_for_order(
        shipped().loyalty, "BR", Decimal("500"), placed_on=date(2025, 11, 30)
    )
    assert (november.points, november.promotion) == (200, "black_november")
    assert (
        points_for_order(
            shipped().loyalty, "BR", Decimal("500"), placed_on=date(2025, 12, 1)
        ).points
        == 100
    )
    assert (
        points_for_order(
            shipped().loyalty, "FR", Decimal("500"), placed_on=date(2025, 11, 15)
        ).points
        == 500
    )
    assert promotion_on(shipped().loyalty, "BR", date(2026, 11, 1)) is not None


def test_tier_status_and_gap():
    assert tier_status(shipped().loyalty, 999).tier == "member"
    member = tier_status(shipped().loyalty, 400)
    assert (member.tier, member.next_tier, member.points_to_next) == ("member", "silver", 600)
    silver = tier_status(shipped().loyalty, 1000)
    assert (silver.tier, silver.next_tier, silver.points_to_next) == ("silver", "gold", 2000)
    gold = tier_status(shipped().loyalty, 5000)
    assert (gold.tier, gold.next_tier, gold.points_to_next) == ("gold", None, None)
    assert "priority_support" in gold.perks


def test_redemption_in_steps_in_the_order_currency():
    option = redemption_option(shipped().loyalty, "FR", 1234)
    assert (option.points, option.discount, option.currency, option.points_short) == (
        1200,
        Decimal("60.00"),
        "EUR",
        0,
    )
    brazil = redemption_option(shipped().loyalty, "BR", 500)
    assert (brazil.discount, brazil.currency) == (Decimal("125.00"), "BRL")


def test_redemption_below_minimum_and_country_override():
    short = redemption_option(shipped().loyalty, "FR", 350)
    assert (short.points, short.discount, short.points_short) == (0, Decimal(0), 150)
    portugal = redemption_option(shipped().loyalty, "PT", 350)
    assert (portugal.points, portugal.discount, portugal.minimum_points) == (
        300,
        Decimal("15.00"),
        300,
    )


def test_expiry_from_last_activity():
    assert points_expire_on(shipped().loyalty, date(2025, 3, 15)) == date(2027, 3, 15)
    assert points_expire_on(shipped().loyalty, date(2024, 2, 29)) == date(2026, 2, 28)


def test_referral_bonus_per_market():
    assert referral_bonus(shipped().loyalty, "DE").referrer_points == 500
    default = referral_bonus(shipped().loyalty, "JP")
    assert (default.referrer_points, default.friend_points) == (300, 150)
