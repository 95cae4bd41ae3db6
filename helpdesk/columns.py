"""Column shapes the tables share: moments stored with their time zone (always UTC)."""

from __future__ import annotations

from typing import Any

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
