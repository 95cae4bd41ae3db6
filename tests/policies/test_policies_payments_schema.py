from policy_files import edited_copy, errors_of, shipped


def test_shipped_payments_file():
    payments = shipped().payments
    assert payments.markets["BR"].instalments.max_count == 6
    assert "ideal" in payments.markets["EU"].overrides["NL"].methods


def test_unknown_currency(tmp_path):
    directory = edited_copy(tmp_path, "payments.yml", "currency: GBP", "currency: GBX")
    [error] = errors_of(directory)
    assert "markets.GB.currency must be an ISO 4217 currency code" in error and "got 'GBX'" in error


def test_undeclared_method(tmp_path):
    directory = edited_copy(
        tmp_path,
        "payments.yml",
        "methods: [pix, card, boleto]",
        "methods: [pix, card, boleto, mercado_pago]",
    )
    [error] = errors_of(directory)
    assert "markets.BR.methods[3] is 'mercado_pago', which is not declared under methods" in error


def test_instalments_only_for_market_methods(tmp_path):
    directory = edited_copy(
        tmp_path, "payments.yml", "      methods: [card]", "      methods: [paypal]"
    )
    [error] = errors_of(directory)
    assert (
        "markets.BR.instalments.methods[0] is 'paypal', which is not one of this market's methods"
        in error
    )


def test_instalment_count_range(tmp_path):
    directory = edited_copy(tmp_path, "payments.yml", "max_count: 6", "max_count: 1")
    [error] = errors_of(directory)
    assert (
        "markets.BR.instalments.max_count must be a whole number of instalments from 2 to 24, got 1"
        in error
    )


def test_names_by_language_need_english_and_language_codes(tmp_path):
    directory = edited_copy(
        tmp_path,
        "payments.yml",
        "alipay: {name: {en: Alipay, zh: 支付宝}}",
        "alipay: {name: {zh: 支付宝}}",
    )
    [error] = errors_of(directory)
    assert (
        "methods.alipay.name must be a text, or texts by language" in error and "(with en)" in error
    )
    directory = edited_copy(
        tmp_path / "2",
        "payments.yml",
        "alipay: {name: {en: Alipay, zh: 支付宝}}",
        "alipay: {name: {en: Alipay, Chinese: 支付宝}}",
    )
    [error] = errors_of(directory)
    assert "language codes in small letters" in error and "'Chinese'" in error


def test_a_name_in_one_language_is_english():
    assert shipped().payments.methods["pix"].name == {"en": "Pix"}
    assert shipped().payments.methods["alipay"].name == {"en": "Alipay", "zh": "支付宝"}
