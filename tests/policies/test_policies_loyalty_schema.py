from policy_files import edited_copy, errors_of, line_of, shipped


def test_shipped_loyalty_file():
    loyalty = shipped().loyalty
    assert [tier.name for tier in loyalty.tiers] == ["member", "silver", "gold"]
    assert loyalty.promotions[0].months == (11,)


def test_tier_thresholds_must_increase(tmp_path):
    directory = edited_copy(tmp_path, "loyalty.yml", "from_points: 3000", "from_points: 900")
    line = line_of(directory, "loyalty.yml", "from_points: 900")
    assert errors_of(directory) == [
        f"loyalty.yml line {line}: tiers[2].from_points must be more than the tier before it (silver: 1000), "
        "got 900; list tiers from lowest to highest"
    ]


def test_first_tier_starts_at_zero(tmp_path):
    directory = edited_copy(tmp_path, "loyalty.yml", "from_points: 0", "from_points: 10")
    [error] = errors_of(directory)
    assert "tiers[0].from_points must be 0" in error


def test_promotion_for_unknown_market(tmp_path):
    directory = edited_copy(tmp_path, "loyalty.yml", "markets: [BR]", "markets: [BRA]")
    [error] = errors_of(directory)
    assert (
        "promotions[0].markets[0] is 'BRA', which is not a market of this file (EU, GB, US, BR, CN, default)"
        in error
    )


def test_promotion_needs_months_or_dates(tmp_path):
    directory = edited_copy(tmp_path, "loyalty.yml", "    months: [11]\n", "")
    [error] = errors_of(directory)
    assert "promotions[0] needs either months (every year) or starts and ends (once)" in error
    directory = edited_copy(
        tmp_path,
        "loyalty.yml",
        "multiplier: 2\n",
        "multiplier: 2\n    starts: 2025-11-30\n    ends: 2025-11-01\n",
    )
    [error] = errors_of(directory)
    assert "promotions[0].ends must not be before starts (2025-11-30), got 2025-11-01" in error


def test_month_out_of_range(tmp_path):
    directory = edited_copy(tmp_path, "loyalty.yml", "    months: [11]", "    months: [13]")
    [error] = errors_of(directory)
    assert "promotions[0].months[0] must be a whole number of a month from 1 to 12, got 13" in error
