"""loyalty.yml's rewards and goodwill cap: what the shipped file offers per market, what a
balance buys, and the edits that are refused with line and field."""

import pytest
from policy_files import edited_copy, errors_of, line_of, shipped

from helpdesk.policies import UnknownName
from helpdesk.policies.rewards import offered_in, reward_named, rewards_in, rewards_in_reach


def test_each_market_has_its_own_rewards_in_its_currency():
    loyalty = shipped().loyalty
    assert [r.name for r in rewards_in(loyalty, "DE")] == ["eur_25_off", "eur_50_off"]
    assert [r.name for r in rewards_in(loyalty, "GB")] == ["gbp_20_off"]
    assert [r.name for r in rewards_in(loyalty, "CH")] == ["eur_25_off", "eur_50_off"]  # default
    assert offered_in(loyalty, reward_named(loyalty, "gbp_20_off"), "GB")
    assert not offered_in(loyalty, reward_named(loyalty, "gbp_20_off"), "FR")
    with pytest.raises(UnknownName):
        reward_named(loyalty, "free_yacht")
    assert loyalty.goodwill_max_points_per_grant == 500


def test_what_a_balance_buys_now_and_what_is_next():
    loyalty = shipped().loyalty
    low = rewards_in_reach(loyalty, "FR", 320)
    assert (low.affordable, low.next_reward.name, low.points_short) == ((), "eur_25_off", 180)
    middle = rewards_in_reach(loyalty, "FR", 740)
    assert [r.name for r in middle.affordable] == ["eur_25_off"]
    assert (middle.currency, middle.next_reward.name, middle.points_short) == (
        "EUR",
        "eur_50_off",
        260,
    )
    rich = rewards_in_reach(loyalty, "FR", 1000)
    assert len(rich.affordable) == 2 and rich.next_reward is None and rich.points_short is None


def test_a_reward_for_an_unknown_market(tmp_path):
    directory = edited_copy(
        tmp_path, "loyalty.yml", "markets: [GB]\n  - name: usd", "markets: [UK]\n  - name: usd"
    )
    line = line_of(directory, "loyalty.yml", "markets: [UK]")
    [error] = errors_of(directory)
    assert error == (
        f"loyalty.yml line {line}: rewards[2].markets[0] is 'UK', which is not a market of "
        "this file (EU, GB, US, BR, CN, default)"
    )


def test_a_reward_in_two_currencies_and_a_name_twice(tmp_path):
    edited_copy(tmp_path, "loyalty.yml", "markets: [GB]", "markets: [GB, US]")
    directory = edited_copy(tmp_path, "loyalty.yml", "name: eur_50_off", "name: eur_25_off")
    errors = errors_of(directory)
    assert any("rewards[1].name is 'eur_25_off' again" in error for error in errors), errors
    assert any(
        "rewards[2].markets must all have one currency, the discount's; got GB GBP, US USD" in e
        for e in errors
    ), errors


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("points: 500\n    discount: 25.00", "points: 0\n    discount: 25.00",
         "rewards[0].points must be a whole number of points from 1 to 10000000, got 0"),
        ("discount: 25.00", "discount: 25.001", "rewards[0].discount must be an amount of money"),
        ("goodwill_max_points_per_grant: 500", "goodwill_max_points_per_grant: -5",
         "goodwill_max_points_per_grant must be a whole number of points from 0 to 100000, got -5"),
    ],
)  # fmt: skip
def test_bad_values_name_the_field(tmp_path, old, new, message):
    directory = edited_copy(tmp_path, "loyalty.yml", old, new)
    [error] = errors_of(directory)
    assert message in error
