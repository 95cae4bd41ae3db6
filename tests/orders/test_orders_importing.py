"""Importing orders from CSV and JSON: normalised values, every error by line and field, all or nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import col, select

from helpdesk.database import Database
from helpdesk.orders.importing import ImportFailed, read_orders, run_import
from helpdesk.orders.models import Order, OrderItem, Shipment

HEADER = (
    "order_number,email,postal_code,country,currency,placed_at,status,payment_method,"
    "shipping_option,shipping_cost,customer_name,sku,name,category,quantity,unit_price,final_sale,"
    "carrier,tracking_number,shipped_on,estimated_delivery,delivered_on"
)
GOOD_CSV = f"""{HEADER}
#10045, Ana.Silva@Example.com ,1016 gv,nl,eur,2025-03-14T10:21:07+01:00,shipped,card,standard,3.95,Ana Silva,LS-BLUE-M,Linen shirt,shirts,2,59.95,false,PostNL,3SATNR0123456789,2025-03-15,2025-03-17,
10045,ana.silva@example.com,1016GV,NL,EUR,2025-03-14T10:21:07+01:00,shipped,card,standard,3.95,Ana Silva,SW-01,Swim shorts,swimwear,1,35,true,PostNL,3SATNR0123456789,2025-03-15,2025-03-17,
10046,ben@example.co.uk,SW1A 1AA,GB,GBP,2025-03-20,paid,paypal,express,14.95,,GIFT-25,Gift card,gift_card,1,25.00,,,,,,
"""

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


@pytest.fixture
async def database(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'orders.db'}")
    await db.upgrade()
    yield db
    await db.close()


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        read_orders(path)
    return failed.value.errors


async def stored(database: Database) -> dict[str, tuple[Order, list[OrderItem], list[Shipment]]]:
    async with database.session() as session:
        orders = (await session.exec(select(Order).order_by(col(Order.number)))).all()
        result = {}
        for order in orders:
            items = (
                await session.exec(
                    select(OrderItem)
                    .where(OrderItem.order_id == order.id)
                    .order_by(col(OrderItem.id))
                )
            ).all()
            shipments = (
                await session.exec(select(Shipment).where(Shipment.order_id == order.id))
            ).all()
            result[order.number] = (order, list(items), list(shipments))
        return result


def test_csv_lines_of_one_order_make_one_normalised_order(tmp_path):
    first, second = read_orders(write(tmp_path, "orders.csv", GOOD_CSV))
    assert (first.order_number, first.email, first.postal_code, first.country, first.currency) == (
        "10045",
        "ana.silva@example.com",
        "1016GV",
        "NL",
        "EUR",
    )
    assert [(i.sku, i.quantity, i.unit_price, i.final_sale, i.category) for i in first.items] == [
        ("LS-BLUE-M", 2, Decimal("59.95"), False, "shirts"),
        ("SW-01", 1, Decimal("35.00"), True, "swimwear"),
    ]
    assert first.subtotal == Decimal("154.90") and first.total == Decimal("158.85")
    assert isinstance(first.total, Decimal)
    assert [(s.carrier, s.tracking_number, s.estimated_delivery) for s in first.shipments] == [
        ("postnl", "3SATNR0123456789", date(2025, 3, 17))
    ]  # one parcel, named on both lines
    assert second.placed_at == datetime(2025, 3, 20, tzinfo=UTC)  # a bare date is midnight UTC
    assert (
        second.customer_name is None and second.shipments == [] and second.total == Decimal("39.95")
    )


async def test_run_import_stores_everything_and_reimport_updates(tmp_path, database):
    code, summary = await run_import(
        database, now=NOW, path=write(tmp_path, "orders.csv", GOOD_CSV)
    )
    assert (code, summary) == (0, "2 orders imported: 2 new, 0 updated; 3 items, 1 shipment")
    order, items, shipments = (await stored(database))["10045"]
    assert order.total == Decimal("158.85") and order.source == "import"
    assert [i.sku for i in items] == ["LS-BLUE-M", "SW-01"] and shipments[0].carrier == "postnl"

    changed = (
        GOOD_CSV.replace("shipped,card", "delivered,card")
        .replace("2025-03-17,\n", "2025-03-17,2025-03-17\n")
        .replace("SW-01,Swim shorts,swimwear,1,35", "SW-02,Swim top,swimwear,3,30")
    )
    code, summary = await run_import(database, now=NOW, path=write(tmp_path, "orders.csv", changed))
    assert (code, summary) == (0, "2 orders imported: 0 new, 2 updated; 3 items, 1 shipment")
    rows = await stored(database)
    order, items, shipments = rows["10045"]
    assert order.status == "delivered" and order.subtotal == Decimal("209.90")
    assert [(i.sku, i.quantity) for i in items] == [
        ("LS-BLUE-M", 2),
        ("SW-02", 3),
    ]  # replaced, not added
    assert [s.delivered_on for s in shipments] == [date(2025, 3, 17)]
    assert len(rows) == 2


async def test_every_csv_error_is_reported_and_nothing_is_imported(tmp_path, database):
    bad = GOOD_CSV.replace(",2,59.95,", ",two,59.95,").replace(
        "SW-01,Swim shorts,swimwear,1,35,true", "SW-01,Swim shorts,swimwear,1,35.999,maybe"
    )
    bad += "10047,not-an-email,1000,XX,EUR,yesterday,lost,card,standard,0,,A-1,,,1,5,,,,,,\n"
    code, output = await run_import(database, now=NOW, path=write(tmp_path, "orders.csv", bad))
    assert code == 1
    assert output.splitlines() == [
        "orders.csv line 2: quantity must be a whole number of at least 1, got 'two'",
        "orders.csv line 3: final_sale must be true or false, got 'maybe'",
        "orders.csv line 3: unit_price must be an amount of money such as 4.95 (0 or more, at most 2 decimals), "
        "got '35.999'",
        "orders.csv line 5: country must be an ISO 3166-1 alpha-2 country code such as NL, DE or US, got 'XX'",
        "orders.csv line 5: email must be an email address such as ana@example.com, got 'not-an-email'",
        "orders.csv line 5: name is required",
        "orders.csv line 5: placed_at must be an ISO 8601 date or date and time such as 2025-03-14 or "
        "2025-03-14T09:30:00+01:00, got 'yesterday'",
        "orders.csv line 5: status must be one of placed, paid, shipped, in_transit, delayed, delivered, "
        "returned, cancelled, got 'lost'",
    ]
    assert await stored(database) == {}  # the good order 10046 was not imported either


def test_order_columns_must_agree_between_lines(tmp_path):
    bad = GOOD_CSV.replace(
        "10045,ana.silva@example.com,1016GV,NL,EUR", "10045,ana@example.org,1016GV,NL,USD"
    )
    assert errors_of(write(tmp_path, "orders.csv", bad)) == [
        "orders.csv line 3: currency must be the same on every line of order 10045: line 2 has 'eur', got 'USD'",
        "orders.csv line 3: email must be the same on every line of order 10045: "
        "line 2 has 'Ana.Silva@Example.com', got 'ana@example.org'",
    ]


def test_two_lines_of_one_parcel_must_agree(tmp_path):
    bad = GOOD_CSV.replace(
        "PostNL,3SATNR0123456789,2025-03-15,2025-03-17,\n10046",
        "PostNL,3SATNR0123456789,2025-03-16,2025-03-17,\n10046",
    )
    assert errors_of(write(tmp_path, "orders.csv", bad)) == [
        "orders.csv line 3: shipment 3SATNR0123456789 differs from line 2; the lines of one shipment must agree"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "",
            "orders.csv: is empty; expected a header line with the columns order_number, email, postal_code, "
            "country, currency, placed_at, status, payment_method, shipping_option, shipping_cost, customer_name, "
            "sku, name, category, quantity, unit_price, final_sale, carrier, tracking_number, shipped_on, "
            "estimated_delivery, delivered_on",
        ),
        (HEADER + "\n", "orders.csv: has a header line but no orders"),
        (
            HEADER.replace("category", "colour") + "\n",
            "orders.csv line 1: missing column(s) category",
        ),
    ],
)
def test_empty_file_and_header_problems(tmp_path, text, expected):
    assert expected in errors_of(write(tmp_path, "orders.csv", text))


def test_unknown_and_missing_columns_are_named(tmp_path):
    header = HEADER.replace("sku,", "").replace("unit_price", "price")
    missing, unknown = errors_of(write(tmp_path, "orders.csv", header + "\n"))
    assert missing == "orders.csv line 1: missing column(s) sku, unit_price"
    assert unknown.startswith(
        "orders.csv line 1: unknown column(s) 'price'; the columns are order_number, "
    )


def test_a_line_with_more_cells_than_columns(tmp_path):
    bad = GOOD_CSV.replace(
        "Gift card,gift_card,1,25.00,,", "Gift card,gift_card,1,25.00,,,,,,,,extra"
    )
    assert errors_of(write(tmp_path, "orders.csv", bad)) == [
        "orders.csv line 4: has more cells than the header's 22 columns"
    ]


def test_files_that_are_not_csv_or_json(tmp_path):
    assert errors_of(write(tmp_path, "orders.xlsx", "x")) == [
        "orders.xlsx: must be a .csv or .json file"
    ]
    assert errors_of(tmp_path / "missing.csv")[0].startswith("missing.csv: no such file")
    (tmp_path / "latin.csv").write_bytes(HEADER.encode() + b"\n10045,\xe9\n")
    assert errors_of(tmp_path / "latin.csv") == [
        'latin.csv line 2: is not UTF-8 text; save the file as UTF-8 ("CSV UTF-8" in Excel)'
    ]


GOOD_JSON = {
    "orders": [
        {
            "order_number": "#10045",
            "email": "ANA@example.com",
            "postal_code": "1016 gv",
            "country": "nl",
            "currency": "eur",
            "placed_at": "2025-03-14T10:21:07",
            "status": "shipped",
            "payment_method": "ideal",
            "shipping_option": "standard",
            "shipping_cost": 3.95,
            "customer_name": "Ana Silva",
            "items": [
                {
                    "sku": "LS-BLUE-M",
                    "name": "Linen shirt",
                    "category": "shirts",
                    "quantity": 2,
                    "unit_price": "59.95",
                },
                {
                    "sku": "PERS-01",
                    "name": "Monogram scarf",
                    "quantity": 1,
                    "unit_price": 45,
                    "final_sale": True,
                },
            ],
            "shipments": [
                {
                    "carrier": "DHL Express",
                    "tracking_number": "JD014600006281230701",
                    "shipped_on": "2025-03-15",
                }
            ],
        },
        {
            "order_number": 10046,
            "email": "ben@example.co.uk",
            "postal_code": "SW1A 1AA",
            "country": "GB",
            "currency": "GBP",
            "placed_at": "2025-03-20",
            "status": "paid",
            "payment_method": "card",
            "shipping_option": "express",
            "shipping_cost": "14.95",
            "items": [
                {
                    "sku": "GIFT-25",
                    "name": "Gift card",
                    "category": "gift_card",
                    "quantity": 1,
                    "unit_price": "25.00",
                }
            ],
        },
    ]
}


def test_json_orders_with_nested_items_and_shipments(tmp_path):
    path = write(tmp_path, "orders.json", json.dumps(GOOD_JSON, indent=2))
    first, second = read_orders(path)
    assert (first.order_number, first.email, first.postal_code, first.currency) == (
        "10045",
        "ana@example.com",
        "1016GV",
        "EUR",
    )
    assert first.shipping_cost == Decimal("3.95") and first.total == Decimal("168.85")
    assert first.placed_at == datetime(2025, 3, 14, 9 + 1, 21, 7, tzinfo=UTC)  # naive is UTC
    assert [s.carrier for s in first.shipments] == ["dhl"] and first.items[1].final_sale is True
    assert second.order_number == "10046" and second.shipments == []
    # a plain list works as well as {"orders": [...]}
    assert read_orders(write(tmp_path, "list.json", json.dumps(GOOD_JSON["orders"]))) == [
        first,
        second,
    ]


def test_json_errors_name_the_line_of_the_field(tmp_path):
    orders = json.loads(json.dumps(GOOD_JSON))["orders"]
    orders[0]["items"][1]["quantity"] = "two"
    orders[0]["shipments"][0]["shipped_on"] = "15/03/2025"
    orders[1]["currency"] = "XYZ"
    orders[1]["colour"] = "blue"
    del orders[1]["email"]
    text = json.dumps({"orders": orders}, indent=2)
    lines = text.splitlines()

    TWO, SECOND = '"two"', '"order_number": 10046'  # noqa: N806

    def line_of(fragment: str, after: int = 0) -> int:
        return next(n for n, line in enumerate(lines, 1) if n > after and fragment in line)

    assert errors_of(write(tmp_path, "orders.json", text)) == [
        f"orders.json line {line_of(TWO)}: quantity must be a whole number of at least 1, got 'two'",
        f"orders.json line {line_of('15/03/2025')}: shipped_on must be a date written YYYY-MM-DD, such as "
        "2025-12-25, got '15/03/2025'",
        f"orders.json line {line_of(SECOND) - 1}: email is required",
        f"orders.json line {line_of('XYZ')}: currency must be an ISO 4217 currency code such as EUR, GBP or BRL, "
        "got 'XYZ'",
        f"orders.json line {line_of('colour')}: colour is not a field of an order; the fields are order_number, "
        "email, postal_code, country, currency, placed_at, status, payment_method, shipping_option, "
        "shipping_cost, customer_name, items, shipments",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[\n  {"order_number": "1",\n   "email": }\n]',
            "orders.json line 3: is not valid JSON: Expecting value",
        ),
        ('{"order": []}', 'orders.json line 1: must hold a list of orders, or {"orders": [...]}'),
        ('[\n  "10045"\n]', "orders.json line 2: an order must be an object {...} of fields"),
        (
            '[\n  {"order_number": "1", "items": []}\n]',
            "orders.json line 2: items must be a list of at least one item",
        ),
        ("  \n", "orders.json: is empty; expected a list of orders"),
    ],
)
def test_json_shape_problems(tmp_path, text, expected):
    assert expected in errors_of(write(tmp_path, "orders.json", text))


def test_the_same_order_twice_in_one_file(tmp_path):
    orders = GOOD_JSON["orders"] + [dict(GOOD_JSON["orders"][1], order_number="#10046")]
    text = json.dumps(orders, indent=1)
    errors = errors_of(write(tmp_path, "orders.json", text))
    first = text.splitlines().index('  "order_number": 10046,') + 1
    assert len(errors) == 1
    assert errors[0].endswith(f"order_number 10046 appears twice: first at line {first}")
