from policy_files import edited_copy, errors_of, line_of, shipped


def test_shipped_shipping_file():
    shipping = shipped().shipping
    assert set(shipping.carriers) == {
        "postnl",
        "dhl",
        "ups",
        "royal_mail",
        "correios",
        "sf_express",
    }
    assert shipping.markets["GB"].duties == "prepaid"
    assert shipping.markets["BR"].duties == "due_on_delivery"


def test_option_with_undeclared_carrier(tmp_path):
    directory = edited_copy(
        tmp_path, "shipping.yml", "        carrier: ups\n", "        carrier: fedex\n"
    )
    line = line_of(directory, "shipping.yml", "carrier: fedex")
    [error] = errors_of(directory)
    assert error.startswith(
        f"shipping.yml line {line}: markets.US.options.standard.carrier is 'fedex', which is not declared"
    )


def test_tracking_url_needs_the_placeholder(tmp_path):
    directory = edited_copy(
        tmp_path, "shipping.yml", "track?tracknum={tracking_number}", "track?tracknum={number}"
    )
    [error] = errors_of(directory)
    assert (
        "carriers.ups.tracking_url must be an https:// address containing {tracking_number} once"
        in error
    )


def test_transit_min_above_max(tmp_path):
    directory = edited_copy(
        tmp_path, "shipping.yml", "transit_days: {min: 4, max: 7}", "transit_days: {min: 8, max: 7}"
    )
    [error] = errors_of(directory)
    assert "markets.US.options.standard.transit_days.min must not be more than max" in error


def test_unknown_duties_mode(tmp_path):
    directory = edited_copy(tmp_path, "shipping.yml", "duties: prepaid", "duties: ddp")
    [error] = errors_of(directory)
    assert (
        "markets.GB.duties must be one of 'none', 'prepaid' or 'due_on_delivery', got 'ddp'"
        in error
    )


def test_money_with_three_decimals(tmp_path):
    directory = edited_copy(tmp_path, "shipping.yml", "price: 9.95", "price: 9.955")
    [error] = errors_of(directory)
    assert (
        "price must be an amount of money such as 4.95 (0 or more, at most 2 decimals), got 9.955"
        in error
    )
