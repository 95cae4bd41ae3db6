from policy_files import SHIPPED, edited_copy, errors_of, line_of

from helpdesk.policies import Policies, load_policies


def test_every_shipped_file_validates():
    assert isinstance(load_policies(SHIPPED), Policies)


def test_broken_copy_names_file_line_and_field(tmp_path):
    directory = edited_copy(tmp_path, "shipping.yml", "handling_days: 1", "handling_days: soon")
    line = line_of(directory, "shipping.yml", "handling_days: soon")
    [error] = load_policies(directory)
    assert (error.file, error.line, error.path) == ("shipping.yml", line, "handling_days")
    assert error.message == "must be a whole number of business days from 0 to 60, got 'soon'"


def test_errors_of_every_file_are_collected(tmp_path):
    edited_copy(tmp_path, "returns.yml", "statutory_days: 14", "statutory_days: -1")
    edited_copy(tmp_path, "support.yml", "fallback_team: eu", "fallback_team: nobody")
    directory = edited_copy(tmp_path, "loyalty.yml", "expiry_months: 24", "expiry_months: 0")
    assert [error.split(" line ")[0] for error in errors_of(directory)] == [
        "returns.yml",
        "loyalty.yml",
        "support.yml",
    ]


def test_missing_file(tmp_path):
    directory = edited_copy(tmp_path, "support.yml", "eu", "eu")
    (directory / "support.yml").unlink()
    [error] = errors_of(directory)
    assert error.startswith("support.yml: is missing: expected at ")


def test_yaml_syntax_error(tmp_path):
    directory = edited_copy(
        tmp_path, "payments.yml", "methods: [pix, card, boleto]", "methods: [pix, card, boleto"
    )
    [error] = errors_of(directory)
    assert error.startswith("payments.yml line ") and "is not valid YAML" in error


def test_currency_must_agree_across_files(tmp_path):
    directory = edited_copy(tmp_path, "loyalty.yml", "currency: BRL", "currency: USD  # edited")
    line = line_of(directory, "loyalty.yml", "# edited")
    assert errors_of(directory) == [
        f"loyalty.yml line {line}: markets.BR.currency is USD, but payments.yml charges market BR in BRL"
    ]


def test_refund_method_must_be_a_payment_method(tmp_path):
    directory = edited_copy(tmp_path, "returns.yml", "pix: 1,", "pics: 1,")
    [error] = errors_of(directory)
    assert (
        "markets.BR.refund.settlement_days.pics names 'pics', which is not a payment method"
        in error
    )
