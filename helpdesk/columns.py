"""Column shapes the tables share: moments stored with their time zone (always UTC); and the id
of a row that is in the database."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Column, DateTime
from sqlmodel import Field

from helpdesk.clock import utcnow


def timestamp(**column: Any) -> Any:
    """A moment every row has: when it was made unless the code says (it should: the app's clock)."""
    return Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, **column)
    )


def optional_timestamp(**column: Any) -> Any:
    """A moment a row may not have yet (claimed_at, resolved_at...)."""
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True, **column))


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(row: _Row) -> int:
    """The id of a row read from the database or flushed to it. The tables type their ids
    `int | None` for the moment before the insert: asking for it then is a mistake."""
    if row.id is None:
        raise RuntimeError(f"this {type(row).__name__} has no id yet: add and flush it first")
    return row.id
