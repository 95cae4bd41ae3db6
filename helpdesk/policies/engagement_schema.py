"""The schema of engagement.yml: the messages the shop sends first, their days and channels, quiet
hours, the weekly cap per shopper and the review link per market."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from .fields import (
    Countries,
    CountryCode,
    Days,
    Flag,
    MarketName,
    PolicyFile,
    PolicyModel,
    Problem,
    as_number,
    fail,
    timezone_name,
    whole_check,
)
from .markets import Market, market_problems, override_of

Channel = Literal["widget", "email"]
_QUIET = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])")
_QUIET_WORDS = 'quiet hours such as "21:00-08:00" (it may run over midnight), or none'
_DAYS = "a whole number of days from 0 to 365, or {domestic: 2, international: 5}"


def _quiet_hours(value: Any) -> tuple[time, time] | None:
    """ "21:00-08:00" -> (21:00, 08:00); none -> None (no quiet hours)."""
    if value is None or value == "none":
        return None
    match = _QUIET.fullmatch(value.replace(" ", "")) if isinstance(value, str) else None
    if not match:
        fail(_QUIET_WORDS, value)
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if (h1, m1) == (h2, m2):
        fail(f"{_QUIET_WORDS}; a range must not end where it starts", value)
    return time(h1, m1), time(h2, m2)


def _https(value: Any) -> str:
    if not (isinstance(value, str) and re.fullmatch(r"https://[^\s<>\"'{}]{3,500}", value)):
        fail("an https:// address without spaces, quotes or braces", value)
    return value


def _by_destination(value: Any) -> Any:
    """One number for every order, or a block {domestic, international} checked field by field."""
    if isinstance(value, dict):
        return value
    number = as_number(value)
    if number is None or number != number.to_integral_value() or not 0 <= number <= 365:
        fail(_DAYS, value)
    return {"domestic": int(number), "international": int(number)}


Timezone = Annotated[str, BeforeValidator(timezone_name)]
QuietHours = Annotated[tuple[time, time] | None, BeforeValidator(_quiet_hours)]
Link = Annotated[str, BeforeValidator(_https)]
Channels = Annotated[tuple[Channel, ...], Field(min_length=1)]


class ByDestination(PolicyModel):
    domestic: Days
    international: Days


AfterDays = Annotated[ByDestination, BeforeValidator(_by_destination)]


class Message(PolicyModel):
    """A message sent at once or on request: on, and where it goes."""

    on: Flag
    channels: Channels


class TimedMessage(Message):
    """A message due some days after its moment (shipping, delivery, a resolution...)."""

    after_days: AfterDays


class ReminderMessage(Message):
    """A message due some days before a moment (points expiring)."""

    days_before: Annotated[int, whole_check(1, 365, "days")]


class Messages(PolicyModel):
    delay_notice: TimedMessage
    shipped_thank_you: TimedMessage
    delivery_check_in: TimedMessage
    review_request: TimedMessage
    csat_by_email: TimedMessage
    transcript: Message
    points_expiry_reminder: ReminderMessage


# The channels each message can go by: only a delay notice is worth interrupting a chat for; the
# others are about a parcel or a conversation the shopper has left.
CHANNELS: dict[str, frozenset[str]] = {
    name: frozenset({"email"}) for name in Messages.model_fields if name != "delay_notice"
}
CHANNELS["delay_notice"] = frozenset({"widget", "email"})


class ReviewRules(PolicyModel):
    review_link: Link


ReviewRulesOverride = override_of(ReviewRules)


class EngagementMarket(ReviewRules, Market):
    # ignore: ReviewRulesOverride is a class made at run time (override_of), which mypy cannot see.
    overrides: dict[CountryCode, ReviewRulesOverride] = {}  # type: ignore[valid-type]


class EngagementPolicy(PolicyFile):
    home_countries: Annotated[Countries, Field(min_length=1)]
    quiet_hours: QuietHours = None
    default_timezone: Timezone
    max_per_shopper_per_week: Annotated[int, whole_check(1, 50, "messages")]
    messages: Messages
    markets: dict[MarketName, EngagementMarket]

    def problems(self) -> Iterator[Problem]:
        yield from market_problems(self.markets)
        for name in Messages.model_fields:
            rule: Message = getattr(self.messages, name)
            allowed = CHANNELS[name]
            for index, channel in enumerate(rule.channels):
                if channel not in allowed:
                    yield (
                        ("messages", name, "channels", index),
                        f"is {channel}, but {name} goes only by {' or '.join(sorted(allowed))}",
                    )
            if len(set(rule.channels)) != len(rule.channels):
                yield ("messages", name, "channels"), "names a channel twice"
