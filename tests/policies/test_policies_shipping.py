from datetime import date
from decimal import Decimal

import pytest
from policy_files import shipped

from helpdesk.policies import (
    NotServed,
    UnknownName,
    delivery_window,
    duties_mode,
    free_shipping_gap,
    shipping_options,
    shipping_price,
    ships_to,
    tracking_url,
)

THURSDAY = date(2025, 6, 5)


def test_options_per_country_with_override():
    assert [offer.option for offer in shipping_options(shipped().shipping, "FR")] == [
        "standard",
        "express",
    ]
    netherlands = shipping_options(shipped().shipping, "NL")
    assert [offer.option for offer in netherlands] == ["standard", "express", "pickup"]
    assert (netherlands[0].carrier, netherlands[0].price, netherlands[0].currency) == (
        "PostNL",
        Decimal("3.95"),
        "EUR",
    )


def test_delivery_window_from_placed_date_skips_weekends():
    # placed Thursday, shipped Friday (1 handling day), 2 to 5 business days in transit
    window = delivery_window(shipped().shipping, "FR", "standard", placed_on=THURSDAY)
    assert (window.earliest, window.latest) == (date(2025, 6, 10), date(2025, 6, 13))


def test_delivery_window_from_shipped_date():
    window = delivery_window(
        shipped().shipping, "US", "express", shipped_on=date(2025, 6, 6)
    )  # Friday
    assert (window.earliest, window.latest) == (date(2025, 6, 10), date(2025, 6, 11))


def test_delivery_window_needs_a_date_and_a_known_option():
    with pytest.raises(ValueError):
        delivery_window(shipped().shipping, "FR", "standard")
    with pytest.raises(UnknownName):
        delivery_window(shipped().shipping, "FR", "pickup", placed_on=THURSDAY)


def test_free_shipping_gap():
    gap = free_shipping_gap(shipped().shipping, "DE", Decimal("60.50"))
    assert (gap.remaining, gap.currency, gap.already_free) == (Decimal("14.50"), "EUR", False)
    assert free_shipping_gap(shipped().shipping, "NL", Decimal("50")).already_free
    never = free_shipping_gap(shipped().shipping, "GB", Decimal("500"), "express")
    assert (never.threshold, never.remaining, never.already_free) == (None, None, False)


def test_shipping_price():
    assert shipping_price(shipped().shipping, "BR", Decimal("799.99")) == Decimal("59.90")
    assert shipping_price(shipped().shipping, "BR", Decimal("800")) == 0


def test_duties():
    assert [duties_mode(shipped().shipping, c) for c in ("IT", "GB", "US", "BR", "CN")] == [
        "none",
        "prepaid",
        "prepaid",
        "due_on_delivery",
        "due_on_delivery",
    ]


def test_countries_served():
    assert ships_to(shipped().shipping, "NO") and ships_to(shipped().shipping, "se")
    assert not ships_to(shipped().shipping, "KP")
    with pytest.raises(NotServed):
        shipping_options(shipped().shipping, "KP")


def test_tracking_url():
    url = tracking_url(shipped().shipping, "ups", " 1Z999AA10123456784 ")
    assert url == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    assert tracking_url(shipped().shipping, "postnl", "3S/1 2").endswith("/3S%2F1%202")
    with pytest.raises(UnknownName):
        tracking_url(shipped().shipping, "fedex", "1")
    with pytest.raises(ValueError):
        tracking_url(shipped().shipping, "dhl", "  ")
