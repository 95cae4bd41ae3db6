from policy_files import edited_copy, errors_of, line_of, shipped


def test_shipped_returns_file():
    returns = shipped().returns
    assert set(returns.markets) == {"EU", "GB", "US", "BR", "CN", "default"}
    assert len(returns.markets["EU"].countries) == 27
    assert returns.non_returnable.categories["underwear"] == "hygiene"


def test_window_in_words_is_refused_with_line_and_field(tmp_path):
    directory = edited_copy(
        tmp_path, "returns.yml", "    window_days: 30\n", "    window_days: thirty\n"
    )
    line = line_of(directory, "returns.yml", "window_days: thirty")
    assert errors_of(directory) == [
        f"returns.yml line {line}: markets.EU.window_days must be a whole number of days from 0 to 365, got 'thirty'"
    ]


def test_unknown_exclusion_reason(tmp_path):
    directory = edited_copy(tmp_path, "returns.yml", "swimwear: hygiene", "swimwear: hygienic")
    [error] = errors_of(directory)
    assert "non_returnable.categories.swimwear must be one of 'hygiene', 'gift_card'" in error


def test_label_price_needs_a_currency(tmp_path):
    directory = edited_copy(tmp_path, "returns.yml", "      currency: GBP\n", "")
    [error] = errors_of(directory)
    assert "markets.GB.return_shipping.currency is required when label_price is not 0" in error


def test_free_returns_cannot_cost(tmp_path):
    directory = edited_copy(
        tmp_path,
        "returns.yml",
        "return_shipping: {paid_by: shop, label: prepaid}",
        "return_shipping: {paid_by: shop, label: prepaid, label_price: 2}",
    )
    price, currency = errors_of(directory)
    assert "markets.US.return_shipping.label_price must be 0 when paid_by is shop" in price
    assert "markets.US.return_shipping.currency is required when label_price is not 0" in currency


def test_settlement_needs_other(tmp_path):
    directory = edited_copy(
        tmp_path, "returns.yml", "{card: 7, paypal: 1, apple_pay: 7, other: 7}", "{card: 7}"
    )
    [error] = errors_of(directory)
    assert "markets.US.refund.settlement_days must include other" in error
