"""One order as it comes in (import file or Shopify), validated and normalised before it is stored."""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from helpdesk.orders.models import OrderStatus
from helpdesk.policies.codes import COUNTRIES, CURRENCIES
from helpdesk.policies.fields import Day, fail

CENT = Decimal("0.01")

# Carrier names as shops and Shopify write them, to the carrier keys of policies/shipping.yml.
# Names not listed become a lowercase slug ("Royal Mail" -> royal_mail), which covers most keys.
CARRIER_ALIASES = {
    "dhl": "dhl",
    "dhl express": "dhl",
    "dhl ecommerce": "dhl",
    "dhl parcel": "dhl",
    "dhl paket": "dhl",
    "dhl ecommerce asia": "dhl",
    "ups": "ups",
    "ups mail innovations": "ups",
    "postnl": "postnl",
    "postnl international": "postnl",
    "postnl international mail": "postnl",
    "royal mail": "royal_mail",
    "parcelforce": "royal_mail",
    "correios": "correios",
    "correios brazil": "correios",
    "sf express": "sf_express",
    "sf-express": "sf_express",
    "sfexpress": "sf_express",
    "顺丰速运": "sf_express",
}


def carrier_key(name: str | None) -> str:
    """The shipping.yml carrier key for a carrier name; an unknown name as a lowercase slug."""
    cleaned = " ".join((name or "").split()).lower()
    if not cleaned:
        return "unknown"
    return (
        CARRIER_ALIASES.get(cleaned) or re.sub(r"[^a-z0-9]+", "_", cleaned).strip("_") or "unknown"
    )


def _text(value: Any, expected: str, limit: int = 255) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        fail(expected, value)
    text = str(value).strip()
    if len(text) > limit:
        fail(expected, value)
    return text


def _checked(
    expected: str,
    normalise: Callable[[str], str],
    pattern: str | None = None,
    allowed: Container[str] | None = None,
    limit: int = 255,
) -> BeforeValidator:
    """A str field's check: normalised, then checked against `pattern` and the `allowed` names.
    The field types below are `Annotated[str, _checked(...)]`, written out so that mypy reads str."""
    compiled = re.compile(pattern) if pattern else None

    def check(value: Any) -> str:
        text = normalise(_text(value, expected, limit))
        if compiled and not compiled.fullmatch(text) or allowed is not None and text not in allowed:
            fail(expected, value)
        return text

    return BeforeValidator(check)


def _money(value: Any) -> Decimal:
    expected = "an amount of money such as 4.95 (0 or more, at most 2 decimals)"
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        fail(expected, value)  # a float has already lost cents: readers parse numbers as Decimal
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        fail(expected, value)
    if (
        not amount.is_finite()
        or amount < 0
        or amount > 10_000_000
        or amount != amount.quantize(CENT)
    ):
        fail(expected, value)
    return amount.quantize(CENT)


def _quantity(value: Any) -> int:
    expected = "a whole number of at least 1"
    try:
        number = Decimal(str(value).strip()) if isinstance(value, (str, int, Decimal)) else None
    except InvalidOperation:
        number = None
    if (
        isinstance(value, bool)
        or number is None
        or not number.is_finite()
        or number != number.to_integral_value()
        or not 1 <= number <= 100_000
    ):
        fail(expected, value)
    return int(number)


def _flag(value: Any) -> bool:
    words = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()]
    fail("true or false", value)


def _moment(value: Any) -> datetime:
    """A date or date-time, in UTC; naive ones are UTC already, a bare date is its midnight UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        fail(
            "an ISO 8601 date or date and time such as 2025-03-14 or 2025-03-14T09:30:00+01:00",
            value,
        )
    # Stored in UTC: SQLite keeps no offset, and everything read back is taken as UTC.
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


OrderNumber = Annotated[
    str,
    _checked(
        "an order number such as 10045 (letters, digits, - and _; a leading # is dropped)",
        lambda t: t.removeprefix("#").strip(),
        r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}",
    ),
]
# Empty email and postal code are allowed for platform orders without them (point of sale,
# digital goods); import files leave no empty field through.
Email = Annotated[
    str,
    _checked("an email address such as ana@example.com", str.lower, r"|[^@\s]+@[^@\s]+\.[^@\s]+"),
]
PostalCode = Annotated[
    str,
    _checked(
        "a postal code such as 1012AB or 01310-100 (letters, digits and -)",
        lambda t: "".join(t.split()).upper(),
        r"[A-Z0-9-]{0,12}",
    ),
]
Country = Annotated[
    str,
    _checked(
        "an ISO 3166-1 alpha-2 country code such as NL, DE or US", str.upper, allowed=COUNTRIES
    ),
]
Currency = Annotated[
    str,
    _checked("an ISO 4217 currency code such as EUR, GBP or BRL", str.upper, allowed=CURRENCIES),
]
Status = Annotated[
    str, _checked("one of " + ", ".join(OrderStatus), str.lower, allowed=set(OrderStatus))
]
Name = Annotated[
    str,
    _checked(
        "a name in small letters, digits and _ such as card or express",
        str.lower,
        r"[a-z][a-z0-9_]{0,39}",
    ),
]
Text = Annotated[str, _checked("a text of at most 255 characters", str)]
RequiredText = Annotated[str, _checked("a text of 1 to 255 characters", str, r"(?s).+")]
Category = Annotated[
    str,
    _checked("a category name of at most 80 characters, such as swimwear", str.lower, limit=80),
]
Carrier = Annotated[
    str, BeforeValidator(lambda v: carrier_key(_text(v, "a carrier name such as PostNL")))
]
Money = Annotated[Decimal, BeforeValidator(_money)]
Quantity = Annotated[int, BeforeValidator(_quantity)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Moment = Annotated[datetime, BeforeValidator(_moment)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemRecord(Record):
    sku: RequiredText
    name: RequiredText
    category: Category = ""
    quantity: Quantity
    unit_price: Money
    final_sale: Flag = False


class ShipmentRecord(Record):
    carrier: Carrier
    tracking_number: Text
    shipped_on: Day | None = None
    estimated_delivery: Day | None = None
    delivered_on: Day | None = None
    external_id: str | None = None  # the shop platform's id (a Shopify fulfillment id)


class OrderRecord(Record):
    order_number: OrderNumber
    email: Email
    postal_code: PostalCode
    country: Country
    currency: Currency
    placed_at: Moment
    status: Status
    payment_method: Name
    shipping_option: Name
    shipping_cost: Money
    customer_name: Text | None = None
    items: list[ItemRecord]
    shipments: list[ShipmentRecord] = []
    # Imports leave these out (computed); Shopify states its own (discounts, taxes included).
    subtotal: Money | None = None
    total: Money | None = None
    source: str = "import"
    external_id: str | None = None
    # When the platform last changed the order: an older copy arriving late does not overwrite.
    updated_at: Moment | None = None

    @model_validator(mode="after")
    def _totals(self) -> OrderRecord:
        subtotal = self.subtotal
        if subtotal is None:
            items = sum((i.unit_price * i.quantity for i in self.items), Decimal("0"))
            subtotal = items.quantize(CENT)
            object.__setattr__(self, "subtotal", subtotal)
        if self.total is None:
            object.__setattr__(self, "total", (subtotal + self.shipping_cost).quantize(CENT))
        return self


# The fields an import file may use, by level (subtotal, total, source ... are not imported).
ORDER_FIELDS = (
    "order_number",
    "email",
    "postal_code",
    "country",
    "currency",
    "placed_at",
    "status",
    "payment_method",
    "shipping_option",
    "shipping_cost",
    "customer_name",
)
ITEM_FIELDS = ("sku", "name", "category", "quantity", "unit_price", "final_sale")
SHIPMENT_FIELDS = ("carrier", "tracking_number", "shipped_on", "estimated_delivery", "delivered_on")
# Columns a CSV file may leave out (the others must be there, though category cells may be empty).
OPTIONAL_COLUMNS = frozenset({"customer_name", "final_sale", *SHIPMENT_FIELDS})
