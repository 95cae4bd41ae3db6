from helpdesk.policies.errors import NotServed, PolicyError, UnknownName


def test_error_reads_file_line_field_message():
    error = PolicyError(
        "returns.yml", 14, "markets.EU.window_days", "must be a whole number, got 'thirty'"
    )
    assert (
        str(error)
        == "returns.yml line 14: markets.EU.window_days must be a whole number, got 'thirty'"
    )


def test_whole_file_error_has_no_line():
    assert str(PolicyError("support.yml", 0, "", "is missing")) == "support.yml: is missing"


def test_lookup_errors_carry_their_facts():
    assert NotServed("shipping.yml", "KP").country == "KP"
    assert UnknownName("carrier", "fedex").name == "fedex"
