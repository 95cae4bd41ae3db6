from datetime import date
from decimal import Decimal

import pytest
from policy_files import shipped

from helpdesk.policies import (
    ReturnItem,
    ReturnReason,
    UnknownName,
    exchanges_allowed,
    refund_timeline,
    return_eligibility,
    return_shipping,
    store_credit_offer,
)

SHIRT = ReturnItem(sku="SH-001", category="shirts")
DELIVERED = date(2025, 3, 3)


def eligibility(country, item=SHIRT, *, delivered_on=DELIVERED, today):
    return return_eligibility(
        shipped().returns, country, item, delivered_on=delivered_on, today=today
    )


def test_last_day_of_the_window_is_still_returnable():
    answer = eligibility("FR", today=date(2025, 4, 2))
    assert answer.returnable and answer.reason is ReturnReason.WITHIN_WINDOW
    assert (answer.window_ends, answer.days_left) == (date(2025, 4, 2), 0)


def test_the_day_after_the_window_is_not():
    answer = eligibility("FR", today=date(2025, 4, 3))
    assert not answer.returnable and answer.reason is ReturnReason.WINDOW_CLOSED
    assert answer.window_ends == date(2025, 4, 2)


def test_days_left_within_window():
    answer = eligibility("US", today=date(2025, 3, 10))
    assert answer.returnable and answer.days_left == 23


def test_country_override_and_short_markets():
    assert eligibility("DE", today=date(2025, 5, 2)).returnable  # 60 days in Germany
    assert not eligibility("FR", today=date(2025, 5, 2)).returnable
    china = eligibility("CN", today=date(2025, 3, 11))
    assert (
        not china.returnable and china.window_ends == date(2025, 3, 10) and china.window_days == 7
    )


def test_not_yet_delivered_will_be_returnable():
    answer = eligibility("BR", delivered_on=None, today=date(2025, 3, 1))
    assert not answer.returnable and answer.will_be_returnable
    assert answer.reason is ReturnReason.NOT_YET_DELIVERED
    assert eligibility(
        "BR", delivered_on=date(2025, 3, 5), today=date(2025, 3, 1)
    ).will_be_returnable


@pytest.mark.parametrize(
    ("item", "reason", "exclusion", "rule"),
    [
        (ReturnItem("BR-1", "underwear"), ReturnReason.EXCLUDED_CATEGORY, "hygiene", "underwear"),
        (
            ReturnItem("GC-50", "gift_card"),
            ReturnReason.EXCLUDED_CATEGORY,
            "gift_card",
            "gift_card",
        ),
        (ReturnItem("pers-77", "shirts"), ReturnReason.EXCLUDED_SKU, "personalised", "PERS-"),
        (
            ReturnItem("SH-2", "shirts", final_sale=True),
            ReturnReason.FINAL_SALE,
            "final_sale",
            "final_sale",
        ),
    ],
)
def test_never_returnable_items(item, reason, exclusion, rule):
    answer = eligibility("NL", item, delivered_on=None, today=DELIVERED)
    assert not answer.returnable and not answer.will_be_returnable
    assert (answer.reason, answer.exclusion, answer.rule) == (reason, exclusion, rule)


def test_who_pays_return_shipping():
    assert return_shipping(shipped().returns, "NL").paid_by == "shop"
    gb = return_shipping(shipped().returns, "GB")
    assert (gb.paid_by, gb.label, gb.label_price, gb.currency) == (
        "customer",
        "prepaid",
        Decimal("3.95"),
        "GBP",
    )
    assert return_shipping(shipped().returns, "CN").label == "own"


def test_exchanges():
    assert exchanges_allowed(shipped().returns, "US")
    assert not exchanges_allowed(shipped().returns, "BR")
    assert not exchanges_allowed(shipped().returns, "GB", "colour")


def test_refund_timeline_counts_business_days():
    timeline = refund_timeline(
        shipped().returns, "NL", "card", received_on=date(2025, 6, 5)
    )  # Thursday
    assert timeline.issued_by == date(2025, 6, 10)  # 3 business days
    assert timeline.on_account_by == date(2025, 6, 17)  # 5 more
    pix = refund_timeline(shipped().returns, "BR", "pix", received_on=date(2025, 6, 5))
    assert (pix.processing_days, pix.settlement_days, pix.on_account_by) == (
        5,
        1,
        date(2025, 6, 13),
    )


def test_unlisted_method_uses_other():
    assert (
        refund_timeline(
            shipped().returns, "US", "klarna", received_on=date(2025, 6, 2)
        ).settlement_days
        == 7
    )


def test_store_credit_bonus():
    assert store_credit_offer(shipped().returns, "FR", Decimal("80.00")) == Decimal("88.00")
    assert store_credit_offer(shipped().returns, "BR", Decimal("199.90")) == Decimal("209.90")
    assert store_credit_offer(shipped().returns, "CN", Decimal("100")) is None


def test_default_market_covers_other_countries():
    assert eligibility("JP", today=date(2025, 3, 10)).returnable
    with pytest.raises(UnknownName):
        eligibility("ZZ", today=date(2025, 3, 10))
