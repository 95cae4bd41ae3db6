"""Counting business days: Monday to Friday, optionally skipping holidays."""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta


def is_business_day(day: date, holidays: Container[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, days: int, holidays: Container[date] = ()) -> date:
    """The date `days` business days after `start` (0: `start` itself, even on a weekend)."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    current = start
    while days:
        current += timedelta(days=1)
        if is_business_day(current, holidays):
            days -= 1
    return current
