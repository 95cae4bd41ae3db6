"""Answers from engagement.yml: is a message on, when is it due for an order, is it quiet now where
the shopper lives and until when, how the weekly cap spaces messages, which review link."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global

from .engagement_schema import EngagementMarket, EngagementPolicy, Message, Messages
from .errors import UnknownName
from .markets import rules_for

FILE = "engagement.yml"
MESSAGES = tuple(Messages.model_fields)
# Asked for by the shopper: sent at once, whatever the hour, and not counted against the cap.
REQUESTED = frozenset({"transcript"})
WEEK = timedelta(days=7)


def rule(policy: EngagementPolicy, message: str) -> Message:
    """The rule of one message (delay_notice, review_request ...)."""
    if message not in MESSAGES:
        raise UnknownName("message", message)
    return getattr(policy.messages, message)


def is_on(policy: EngagementPolicy, message: str, channel: str | None = None) -> bool:
    """Whether the merchant sends `message` at all, or by `channel` (widget, email)."""
    found = rule(policy, message)
    return found.on and (channel is None or channel in found.channels)


def is_domestic(policy: EngagementPolicy, country: str) -> bool:
    return country.strip().upper() in policy.home_countries


def days_after(policy: EngagementPolicy, message: str, country: str) -> int:
    """Days after its moment that `message` is due for an order shipped to `country`."""
    found = rule(policy, message)
    after = getattr(found, "after_days", None)
    if after is None:
        raise UnknownName("message with after_days", message)
    return after.domestic if is_domestic(policy, country) else after.international


def due_at(
    policy: EngagementPolicy, message: str, *, moment: datetime, country: str
) -> datetime | None:
    """When `message` is due after `moment` (shipped, delivered, resolved...) for an order shipped
    to `country`; None when the message is off. Quiet hours are for `send_time`."""
    if not is_on(policy, message):
        return None
    return moment + timedelta(days=days_after(policy, message, country))


def reminder_due(policy: EngagementPolicy, expires_on: date, zone: ZoneInfo) -> datetime | None:
    """When the points-expiry reminder is due for points expiring at the start of `expires_on`
    (the shopper's day); None when it is off."""
    reminder = policy.messages.points_expiry_reminder
    if not reminder.on:
        return None
    day = expires_on - timedelta(days=reminder.days_before)
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def shopper_zone(policy: EngagementPolicy, zone: str | None, country: str | None) -> ZoneInfo:
    """The shopper's time zone: the one known, else their country's when it has only one, else
    the file's default_timezone."""
    if zone:
        try:
            return ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    zones = get_global("territory_zones").get((country or "").strip().upper(), [])
    return ZoneInfo(zones[0] if len(zones) == 1 else policy.default_timezone)


def in_quiet_hours(policy: EngagementPolicy, moment: datetime, zone: ZoneInfo) -> bool:
    """Whether `moment` falls in the quiet hours where the shopper lives."""
    if policy.quiet_hours is None:
        return False
    start, end = policy.quiet_hours
    now = moment.astimezone(zone).time()
    if start < end:
        return start <= now < end
    return now >= start or now < end  # over midnight


def quiet_hours_end(policy: EngagementPolicy, moment: datetime, zone: ZoneInfo) -> datetime:
    """When the quiet time around `moment` ends (in UTC); `moment` itself when it is not quiet."""
    if policy.quiet_hours is None or not in_quiet_hours(policy, moment, zone):
        return moment
    start, end = policy.quiet_hours
    local = moment.astimezone(zone)
    day = local.date()
    if start > end and local.time() >= start:  # evening part of a night: it ends tomorrow
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)


def send_time(policy: EngagementPolicy, message: str, due: datetime, zone: ZoneInfo) -> datetime:
    """The moment a message due at `due` may go out: after the quiet hours, unless requested."""
    rule(policy, message)
    return due if message in REQUESTED else quiet_hours_end(policy, due, zone)


def next_weekly_slot(policy: EngagementPolicy, sent: Sequence[datetime], now: datetime) -> datetime:
    """The first moment from `now` at which one more message keeps the shopper within the cap,
    given the moments of the messages already sent to them (transcripts left out)."""
    cap = policy.max_per_shopper_per_week
    recent = sorted(moment for moment in sent if now - WEEK < moment <= now)
    if len(recent) < cap:
        return now
    return recent[len(recent) - cap] + WEEK  # when the oldest that still fills the cap ages out


def review_link(policy: EngagementPolicy, country: str) -> str:
    """The review link of `country`'s market (with its override)."""
    market: EngagementMarket = rules_for(policy.markets, country, file=FILE)
    return market.review_link
