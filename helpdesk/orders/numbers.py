"""How shoppers write the shop's order numbers and the postal codes of its markets."""

from __future__ import annotations

import re

# The shop's order numbers as shoppers write them: "10045", "#10045", and Shopify's default
# numbering from "#1001" on (4 to 6 digits; stored without "#").
# ASCII word boundaries: in "订单10006" the number touches Chinese letters.
ORDER_NUMBER = re.compile(r"(?<![\w-])#?\s*(\d{4,6})(?![\w-])", re.ASCII)
# Postal codes as people write them in the shop's markets: NL "1017 CE", GB "SW1A 1AA",
# PT "1250-096", BR "01310-100" (both also without the dash), US "94105" and ZIP+4
# "94105-1234", CA "K1A 0B1", the plain 4- and 5-digit codes of most of Europe and China's 6.
# Longest forms first, so "1017 CE" is not read as "1017".
POSTAL_CODE = re.compile(
    r"(?<![\w#-])("
    r"[A-Za-z]{1,2}\d[A-Za-z\d]?\s?\d[A-Za-z]{2}"  # GB
    r"|[A-Za-z]\d[A-Za-z]\s?\d[A-Za-z]\d"  # CA
    r"|\d{5}-\d{4}"  # US ZIP+4
    r"|\d{5}-?\d{3}"  # BR
    r"|\d{4}[- ]?\d{3}"  # PT, also written with a space
    r"|\d{4}\s?[A-Za-z]{2}"  # NL
    r"|\d{4,6}"  # most of Europe, US, China
    r")(?![\w-])",
    re.ASCII,
)


# The words people put before a postal code, in the shop's languages: "zip is 10001", "PLZ
# 10115", "mi cp es 28013", "cap 00184", "邮编100000". A number they name is no order number,
# even one the shape of the shop's.
POSTAL_WORDS = re.compile(
    r"(?:\bzip(?:\s*code)?|\bpost\s*code|\bpostal\s*code|\bplz|\bpostleitzahl"
    r"|\bcode\s*postal|\bc\.?p\b\.?|\bc[oó]digo\s*postal|\bcap\b|\bcodice\s*postale"
    r"|\bcep\b|邮编|邮政编码)\D{0,12}?(\d[\d -]*\d)",
    re.IGNORECASE,
)


def named_a_postal_code(text: str | None, number: str) -> bool:
    """True when the words call `number` a postal code ("zip's 10001")."""
    return any(
        match.group(1).replace(" ", "").replace("-", "").startswith(number)
        for match in POSTAL_WORDS.finditer(text or "")
    )


def postal_code_named(text: str | None, besides: str) -> str | None:
    """The number the words call a postal code ("plz ist 10115"), other than `besides`."""
    for match in POSTAL_WORDS.finditer(text or ""):
        if (code := match.group(1).strip()) != besides:
            return code
    return None


def order_number_in(text: str | None) -> str | None:
    match = ORDER_NUMBER.search(text or "")
    return match.group(1) if match else None


def postal_codes_in(text: str | None) -> list[str]:
    return [match.group(1) for match in POSTAL_CODE.finditer(text or "")]
