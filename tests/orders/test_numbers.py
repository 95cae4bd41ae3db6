"""Order numbers and postal codes as shoppers type them."""

from __future__ import annotations

import pytest

from helpdesk.orders.numbers import order_number_in, postal_codes_in


@pytest.mark.parametrize(
    "text, number",
    [
        ("#10045", "10045"),
        ("order 10046 please", "10046"),
        ("# 10047", "10047"),
        ("mi pedido #1001 no llegó", "1001"),  # Shopify's default numbering
        ("订单10006", "10006"),
        ("123", None),  # too short for any of the shop's numbers
        ("1250096", None),  # a Portuguese postal code without its dash
        ("my zip is 94105-1234", None),  # a ZIP+4 is not an order number
        ("tel +351-912-345", None),
        ("", None),
        (None, None),
    ],
)
def test_order_numbers_are_read_as_the_shop_writes_them(text, number):
    assert order_number_in(text) == number


@pytest.mark.parametrize(
    "text, codes",
    [
        ("1017 CE", ["1017 CE"]),
        ("1017ce", ["1017ce"]),
        ("postcode is sw1a 1aa", ["sw1a 1aa"]),
        ("o cp é 1250-096", ["1250-096"]),
        ("cep 01310-100", ["01310-100"]),
        ("zip 94105-1234", ["94105-1234"]),
        ("K1A 0B1", ["K1A 0B1"]),
        ("1250096", ["1250096"]),
        ("01310100", ["01310100"]),
        ("200000", ["200000"]),
        ("28013", ["28013"]),
        ("order #10045", []),  # written as an order number, never a postal code
    ],
)
def test_postal_codes_are_read_in_each_markets_format(text, codes):
    assert postal_codes_in(text) == codes


def test_a_postal_code_touching_chinese_letters_is_found():
    assert postal_codes_in("我的邮编是28013") == ["28013"]
