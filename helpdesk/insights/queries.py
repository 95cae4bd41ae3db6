"""What the insights API is asked: its query parameters, checked, with a 400 that says what to fix
for anything else (a day that is not YYYY-MM-DD, a range backwards or longer than two years, an
unknown `by`, a parameter given twice or unknown)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from helpdesk.errors import BadRequest
from helpdesk.insights.conversation_sql import Dimension
from helpdesk.insights.drilldown import Behind
from helpdesk.insights.hours import Hours
from helpdesk.insights.support import Period

DEFAULT_DAYS = 30  # without from and to: the 30 days up to today (UTC)
MAX_DAYS = 731  # two years, a leap day included: longer ranges are a mistake, or a backup job
# The shop's history is in this century; outside it the date arithmetic of the engines differs.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000
MAX_GROUP_LENGTH = 320  # an agent's email is the longest group name
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_WHOLE = re.compile(r"[0-9]{1,9}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}", re.ASCII)


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


def _shown(value: object) -> str:
    """A value as a message can quote it: short, with control characters escaped."""
    return repr(value)[:40]


def _day(value: object) -> date:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError(f"write a day as YYYY-MM-DD; got {_shown(value)}")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a day of the calendar") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"give a day from {FIRST_DAY} to {LAST_DAY}; got {value}")
    return day


def _whole(most: int, least: int = 0):
    def check(value: object) -> int:
        if not isinstance(value, str) or not _WHOLE.fullmatch(value):
            raise ValueError(f"write a whole number from {least} to {most}; got {_shown(value)}")
        number = int(value)
        if not least <= number <= most:
            raise ValueError(f"give a number from {least} to {most}; got {number}")
        return number

    return BeforeValidator(check)


def _group(value: object) -> str:
    if not isinstance(value, str) or not value or _CONTROL.search(value):
        raise ValueError(
            f"name a group as the figures do (an email, a language…); got {_shown(value)}"
        )
    if len(value) > MAX_GROUP_LENGTH:
        raise ValueError(f"is {len(value)} characters long; the longest group name is 320")
    return value


Day = Annotated[date | None, BeforeValidator(_day)]


class RangeQuery(BaseModel):
    """Days in UTC, both included; without them the 30 days up to today."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    first: Day = Field(default=None, alias="from")
    last: Day = Field(default=None, alias="to")
    format: Format = Format.JSON

    def days(self, today: date) -> tuple[date, date]:
        """(first day, last day) of the range: to defaults to today, from to 30 days up to it."""
        last = self.last or min(today, LAST_DAY)
        first = self.first or max(last - timedelta(days=DEFAULT_DAYS - 1), FIRST_DAY)
        if first > last:
            raise BadRequest(f"from ({first}) is after to ({last}): give from <= to")
        if (last - first).days + 1 > MAX_DAYS:
            raise BadRequest(
                f"from {first} to {last} is {(last - first).days + 1} days; ask for at most "
                f"{MAX_DAYS} (two years) at once"
            )
        return first, last


class SupportQuery(RangeQuery):
    by: Dimension | None = None
    period: Period = Period.MONTH
    hours: Hours = Hours.BUSINESS


class CommentsQuery(RangeQuery):
    by: Dimension | None = None
    period: Period = Period.MONTH


class ConversationsQuery(RangeQuery):
    """The conversations behind a figure: `kind` says which, `by` and `group` narrow them to one
    group of the figures (as the figures name it: a language, an agent's email, "none"...)."""

    kind: Behind = Behind.ALL
    by: Dimension | None = None
    group: Annotated[str | None, BeforeValidator(_group)] = None
    limit: Annotated[int, _whole(MAX_LIMIT, least=1)] = 100
    offset: Annotated[int, _whole(MAX_OFFSET)] = 0

    def model_post_init(self, _context: Any) -> None:
        if self.group is not None and self.by is None:
            raise BadRequest("group needs by: say which figures the group is one of")


def _language(value: object) -> str:
    if not isinstance(value, str) or not _LANGUAGE_TAG.fullmatch(value):
        raise ValueError(f"give a language tag such as en or pt-BR; got {_shown(value)}")
    return value


class ChartQuery(SupportQuery):
    """A chart of the dashboard: its figures asked as the support call asks them, its texts,
    numbers and dates in `lang` (English where the shop has no texts in it)."""

    lang: Annotated[str, BeforeValidator(_language)] = "en"


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


Q = TypeVar("Q", bound=RangeQuery)


def parse_query(model: type[Q], pairs: Iterable[tuple[str, str]]) -> Q:
    """The query string's (name, value) pairs as `model`, or a BadRequest saying what to fix."""
    known = {field.alias or name for name, field in model.model_fields.items()}
    given: dict[str, str] = {}
    for name, value in pairs:
        if name not in known:
            raise BadRequest(
                f"unknown parameter {_shown(name)}: this call takes {', '.join(sorted(known))}"
            )
        if name in given:
            raise BadRequest(f"{name} is given twice: give it once")
        given[name] = value
    try:
        return model.model_validate(given)
    except ValidationError as error:
        raise BadRequest(_described(error)) from None


def _described(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"][:1]) or "query"
        parts.append(f"{where}: {problem['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)
