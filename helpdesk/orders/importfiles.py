"""The two import layouts read into one order's fields each, with the line every field came from."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from helpdesk.orders.linejson import Where, parse_with_lines
from helpdesk.orders.records import (
    ITEM_FIELDS,
    OPTIONAL_COLUMNS,
    ORDER_FIELDS,
    SHIPMENT_FIELDS,
)

COLUMNS = (*ORDER_FIELDS, *ITEM_FIELDS, *SHIPMENT_FIELDS)
# Order-level cells repeat on every line of an order: they must agree, compared as they are stored.
SAME_WHEN = {
    "email": str.lower,
    "country": str.upper,
    "currency": str.upper,
    "status": str.lower,
    "order_number": lambda v: v.removeprefix("#").strip(),
    "postal_code": lambda v: "".join(v.split()).upper(),
}
NESTED = (("items", ITEM_FIELDS, "an item"), ("shipments", SHIPMENT_FIELDS, "a shipment"))


@dataclass(frozen=True, order=True)
class Problem:
    line: int  # 0: the file as a whole
    field: str  # "": no one field
    message: str

    def render(self, file: str) -> str:
        where = f"{file} line {self.line}" if self.line else file
        return f"{where}: {self.field} {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class Candidate:
    """One order's fields as read, and how to find the line of a field by its place in it."""

    fields: dict[str, Any]
    locate: Callable[[tuple], int]


# --- CSV: one line per item; the lines of one order_number make one order ----------------------


@dataclass
class _Group:
    """The lines of one order number so far."""

    line: int
    cells: dict[str, str]
    items: list[tuple[dict, int]] = field(default_factory=list)
    shipments: dict[str, tuple[dict, int]] = field(
        default_factory=dict
    )  # by carrier and tracking number

    def candidate(self) -> Candidate:
        order = {name: self.cells[name] for name in ORDER_FIELDS if self.cells.get(name)}
        return Candidate(
            {
                **order,
                "items": [item for item, _ in self.items],
                "shipments": [shipment for shipment, _ in self.shipments.values()],
            },
            self.locate,
        )

    def locate(self, loc: tuple) -> int:
        if len(loc) > 1 and loc[0] == "items":
            return self.items[loc[1]][1]
        if len(loc) > 1 and loc[0] == "shipments":
            return list(self.shipments.values())[loc[1]][1]
        return self.line


def read_csv(text: str, problems: list[Problem]) -> list[Candidate]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [name.strip() for name in reader.fieldnames or []]
    header = _check_header(columns)
    if header:
        problems += header
        return []
    reader.fieldnames = columns
    groups: dict[str, _Group] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(
                Problem(line, "", f"has more cells than the header's {len(columns)} columns")
            )
        cells = {name: (value or "").strip() for name, value in row.items() if name is not None}
        if not any(cells.values()):
            continue
        number = SAME_WHEN["order_number"](cells["order_number"])
        if not number:
            problems.append(Problem(line, "order_number", "is required"))
            continue
        group = groups.setdefault(number, _Group(line, cells))
        problems += _disagreements(group, cells, line, number)
        group.items.append(({name: cells[name] for name in ITEM_FIELDS if cells.get(name)}, line))
        shipment = {name: cells[name] for name in SHIPMENT_FIELDS if cells.get(name)}
        if shipment:
            # One parcel usually carries several items: its columns repeat on each of their lines.
            key = f"{shipment.get('carrier', '').lower()} {shipment.get('tracking_number', '')}"
            first, first_line = group.shipments.setdefault(key, (shipment, line))
            if first != shipment:
                problems.append(
                    Problem(
                        line,
                        "",
                        f"shipment {shipment.get('tracking_number', '')} differs "
                        f"from line {first_line}; the lines of one shipment must agree",
                    )
                )
    if not groups and not problems:
        problems.append(Problem(0, "", "has a header line but no orders"))
    return [group.candidate() for group in groups.values()]


def _check_header(columns: list[str]) -> list[Problem]:
    problems = [
        Problem(1, "", f"column {name!r} appears twice")
        for name in sorted(set(columns))
        if columns.count(name) > 1
    ]
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        problems.append(
            Problem(
                1,
                "",
                f"unknown column(s) {', '.join(map(repr, unknown))}; "
                f"the columns are {', '.join(COLUMNS)}",
            )
        )
    missing = [name for name in COLUMNS if name not in columns and name not in OPTIONAL_COLUMNS]
    if missing:
        problems.append(Problem(1, "", f"missing column(s) {', '.join(missing)}"))
    return problems


def _disagreements(group: _Group, cells: dict[str, str], line: int, number: str) -> list[Problem]:
    problems = []
    for name in ORDER_FIELDS:
        same = SAME_WHEN.get(name, lambda v: v)
        first, this = group.cells.get(name, ""), cells.get(name, "")
        if same(first) != same(this):
            problems.append(
                Problem(
                    line,
                    name,
                    f"must be the same on every line of order {number}: "
                    f"line {group.line} has {first!r}, got {this!r}",
                )
            )
    return problems


# --- JSON: a list of orders (or {"orders": [...]}) with nested items and shipments -------------


def read_json(text: str, problems: list[Problem]) -> list[Candidate]:
    try:
        document, where = parse_with_lines(text)
    except RecursionError:
        problems.append(Problem(0, "", "is nested too deeply to be a list of orders"))
        return []
    except ValueError as error:  # json.JSONDecodeError, with the line
        line, message = getattr(error, "lineno", 0), getattr(error, "msg", str(error))
        problems.append(Problem(line, "", f"is not valid JSON: {message}"))
        return []
    if isinstance(document, dict) and set(document) == {"orders"}:
        document, where = document["orders"], where.inner["orders"]
    if not isinstance(document, list):
        problems.append(Problem(where.line, "", 'must hold a list of orders, or {"orders": [...]}'))
        return []
    candidates = []
    for index, order in enumerate(document):
        at = where.inner[index]
        fields = _fields(order, at, ORDER_FIELDS, ("items", "shipments"), "an order", problems)
        if fields is None:
            continue
        if not isinstance(fields.get("items"), list) or not fields["items"]:
            line = at.inner.get("items", at).line
            problems.append(Problem(line, "items", "must be a list of at least one item"))
            continue
        if not isinstance(fields.get("shipments", []), list):
            problems.append(
                Problem(at.inner["shipments"].line, "shipments", "must be a list (or left out)")
            )
            continue
        for name, known, what in NESTED:
            # An entry that is no object is reported and left out; the others are still checked.
            listed = at.inner.get(name, Where(at.line))
            kept = [
                (entry, listed.inner[n])
                for n, value in enumerate(fields.get(name, []))
                if (entry := _fields(value, listed.inner[n], known, (), what, problems)) is not None
            ]
            fields[name] = [entry for entry, _ in kept]
            listed.inner = dict(
                enumerate(place for _, place in kept)
            )  # as pydantic will count them
        candidates.append(Candidate(fields, at.locate))
    return candidates


def _fields(
    value: Any, at: Where, known: tuple, nested: tuple, what: str, problems: list[Problem]
) -> dict | None:
    """An object's known fields, empty ones left out; None if it is no object. Notes problems."""
    if not isinstance(value, dict):
        problems.append(Problem(at.line, "", f"{what} must be an object {{...}} of fields"))
        return None
    unknown = [key for key in value if key not in known and key not in nested]
    problems += [
        Problem(
            at.inner[key].line,
            key,
            f"is not a field of {what}; the fields are {', '.join(known + nested)}",
        )
        for key in unknown
    ]
    return {
        key: v
        for key, v in value.items()
        if key not in unknown and v is not None and not (isinstance(v, str) and not v.strip())
    }
