from decimal import Decimal

from policy_files import shipped

from helpdesk.policies import currency_for, instalment_options, payment_methods


def methods(country):
    return [offer.method for offer in payment_methods(shipped().payments, country)]


def test_methods_per_country_with_overrides():
    assert methods("NL")[0] == "ideal"
    assert methods("BE")[0] == "bancontact"
    assert "ideal" not in methods("DE") and "klarna" in methods("DE")
    assert methods("BR") == ["pix", "card", "boleto"]
    assert methods("CN") == ["alipay", "wechat_pay", "unionpay"]
    assert methods("JP") == ["card", "paypal"]
    assert payment_methods(shipped().payments, "BR")[2].name == "Boleto bancário"


def test_currency_per_country():
    assert [currency_for(shipped().payments, c) for c in ("FR", "GB", "US", "BR", "CN", "CH")] == [
        "EUR",
        "GBP",
        "USD",
        "BRL",
        "CNY",
        "EUR",
    ]


def test_instalments_above_the_minimum():
    options = instalment_options(shipped().payments, "BR", Decimal("300.00"))
    assert [(o.count, o.amount) for o in options] == [
        (2, Decimal("150.00")),
        (3, Decimal("100.00")),
        (4, Decimal("75.00")),
        (5, Decimal("60.00")),
        (6, Decimal("50.00")),
    ]
    assert options[0].currency == "BRL"


def test_each_instalment_at_least_the_minimum():
    options = instalment_options(shipped().payments, "BR", Decimal("320.00"))
    assert [o.count for o in options] == [2, 3, 4, 5, 6]
    assert options[-1].amount == Decimal("53.33")


def test_no_instalments():
    assert instalment_options(shipped().payments, "BR", Decimal("299.99")) == ()
    assert instalment_options(shipped().payments, "BR", Decimal("1000"), method="pix") == ()
    assert instalment_options(shipped().payments, "US", Decimal("1000")) == ()
