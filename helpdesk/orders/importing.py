"""Importing orders from a CSV or JSON file: every problem named by file, line and field; all or nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from helpdesk.database import Database
from helpdesk.orders.importfiles import COLUMNS, Candidate, Problem, read_csv, read_json
from helpdesk.orders.records import OrderRecord
from helpdesk.orders.store import upsert_orders


class ImportFailed(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def read_orders(path: Path) -> list[OrderRecord]:
    """The orders of a .csv or .json file, or ImportFailed listing every problem in it."""
    problems: list[Problem] = []
    candidates = _read(path, problems)
    records: dict[str, tuple[OrderRecord, int]] = {}
    for candidate in candidates:
        try:
            record = OrderRecord.model_validate(candidate.fields)
        except ValidationError as error:
            problems += [_problem(candidate.locate(e["loc"]), e) for e in error.errors()]
            continue
        line = candidate.locate(("order_number",))
        if record.order_number in records:
            first = records[record.order_number][1]
            problems.append(
                Problem(
                    line,
                    "order_number",
                    f"{record.order_number} appears twice: first at line {first}",
                )
            )
        records.setdefault(record.order_number, (record, line))
    if problems:
        raise ImportFailed([p.render(path.name) for p in sorted(set(problems))])
    return [record for record, _ in records.values()]


async def run_import(database: Database, path: Path | str, *, now: datetime) -> tuple[int, str]:
    """`python -m helpdesk orders import FILE`: (0, summary) or (1, every error, one a line)."""
    try:
        records = read_orders(Path(path))
    except ImportFailed as failed:
        return 1, "\n".join(failed.errors)
    async with database.session() as session:
        summary = await upsert_orders(session, records, now=now)
    return 0, str(summary)


def _read(path: Path, problems: list[Problem]) -> list[Candidate]:
    kind = path.suffix.lower()
    if kind not in (".csv", ".json"):
        problems.append(Problem(0, "", "must be a .csv or .json file"))
        return []
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        problems.append(Problem(0, "", f"no such file: {path}"))
        return []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append(
            Problem(line, "", 'is not UTF-8 text; save the file as UTF-8 ("CSV UTF-8" in Excel)')
        )
        return []
    if not text.strip():
        expected = (
            "a list of orders"
            if kind == ".json"
            else f"a header line with the columns {', '.join(COLUMNS)}"
        )
        problems.append(Problem(0, "", f"is empty; expected {expected}"))
        return []
    return read_csv(text, problems) if kind == ".csv" else read_json(text, problems)


def _problem(line: int, error: ErrorDetails) -> Problem:
    name = next((part for part in reversed(error["loc"]) if isinstance(part, str)), "")
    if error["type"] == "missing":
        return Problem(line, name, "is required")
    # Our field types word their own messages ("must be ..., got ..."); pydantic's are a fallback.
    worded = error["type"] == "policy"
    return Problem(line, name, error["msg"] if worded else f"is not valid: {error['msg']}")
