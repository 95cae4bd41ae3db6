from decimal import Decimal

import pytest
from policy_files import edited_copy, errors_of, line_of, shipped

from helpdesk.policies.errors import NotServed
from helpdesk.policies.markets import market_of, rules_for


def test_country_resolves_to_its_market():
    markets = shipped().returns.markets
    assert market_of(markets, "FR") == "EU"
    assert market_of(markets, "br") == "BR"
    assert market_of(markets, "JP") == "default"


def test_default_with_countries_serves_only_those():
    markets = shipped().shipping.markets
    assert market_of(markets, "NO") == "default"
    assert market_of(markets, "KP") is None
    with pytest.raises(NotServed) as caught:
        rules_for(markets, "KP", file="shipping.yml")
    assert caught.value.country == "KP"


def test_override_replaces_only_the_fields_it_names():
    markets = shipped().returns.markets
    germany, france = rules_for(markets, "DE", file=""), rules_for(markets, "FR", file="")
    assert (germany.window_days, france.window_days) == (60, 30)
    assert germany.refund == france.refund


def test_override_for_a_country_outside_the_market(tmp_path):
    directory = edited_copy(
        tmp_path,
        "returns.yml",
        "      DE:\n        window_days: 60",
        "      US:\n        window_days: 60",
    )
    line = line_of(directory, "returns.yml", "      US:")
    assert errors_of(directory) == [
        f"returns.yml line {line}: markets.EU.overrides.US is an override for US, but US is not a country "
        "of market EU; it belongs to market US"
    ]


def test_country_in_two_markets(tmp_path):
    directory = edited_copy(
        tmp_path, "payments.yml", "    countries: [GB]", "    countries: [GB, IE]"
    )
    [error] = errors_of(directory)
    assert "markets.GB.countries[1] lists IE, which market EU already covers" in error


def test_named_market_needs_countries(tmp_path):
    directory = edited_copy(tmp_path, "payments.yml", "    countries: [GB]\n", "")
    [error] = errors_of(directory)
    assert "markets.GB.countries must list at least one country" in error


def test_override_problem_is_blamed_on_the_override(tmp_path):
    directory = edited_copy(
        tmp_path, "returns.yml", "        window_days: 60", "        window_days: 10"
    )
    line = line_of(directory, "returns.yml", "        window_days: 10")
    assert errors_of(directory) == [
        f"returns.yml line {line}: markets.EU.overrides.DE.window_days is 10 days, shorter than the statutory 14; "
        "the shop cannot give less than the law"
    ]


def test_override_fields_are_validated_like_the_market(tmp_path):
    directory = edited_copy(
        tmp_path,
        "loyalty.yml",
        "step_value: 5.00, minimum_points: 300",
        "step_value: five, minimum_points: 300",
    )
    [error] = errors_of(directory)
    assert "markets.EU.overrides.PT.redemption.step_value must be an amount of money" in error
    assert Decimal("5.00") == shipped().loyalty.markets["EU"].redemption.step_value
