"""Every support KPI, exactly, for ten conversations lived through the chat API and the agents'
desk: six resolved by the bot (one of them reopened), three handed over with known times (one
across the team's closing time), one abandoned; on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from unittest.mock import patch

import pytest

from helpdesk.database import DB
from helpdesk.insights import facts
from helpdesk.insights.answers import SupportKpis
from helpdesk.insights.conversation_sql import Dimension
from helpdesk.insights.hours import Hours
from helpdesk.insights.support import Period, Scope, comments, support_kpis
from helpdesk.orders.models import Order
from helpdesk.orders.verification import identity_signature, verify_identity
from helpdesk.policies.watch import POLICIES
from tests.insights.support_scene import (
    WEDNESDAY,
    Helpdesk,
    live_through_the_week,
)

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
MINUTE = 60.0
OPENED = WEDNESDAY.date()


async def kpis(helpdesk: Helpdesk, *, days_later: int = 10, **scope) -> list[SupportKpis]:
    """The KPIs as the log gives them, checked to be the same read from folded facts."""
    helpdesk.at(days_later, 12)
    asked = _scope(helpdesk, **scope)
    async with helpdesk.app[DB].session() as session:
        live = await support_kpis(session, asked, now=helpdesk.clock.now())
        await fold_all(session)
        assert await support_kpis(session, asked, now=helpdesk.clock.now()) == live
    return live


async def fold_all(session) -> None:
    """Folds every conversation, as if the newest events were older than the margin."""
    with patch.object(facts, "MARGIN", 0):
        await facts.fold(session)


def _scope(helpdesk: Helpdesk, **options) -> Scope:
    policies = helpdesk.app[POLICIES].policies
    options.setdefault("start", OPENED)
    options.setdefault("end", OPENED)
    return Scope(support=policies.support, markets=policies.payments.markets, **options)


def minutes(*values: float) -> list[float]:
    return [value * MINUTE for value in values]


async def test_every_kpi_of_ten_known_conversations(helpdesk):
    await live_through_the_week(helpdesk)
    [business] = await kpis(helpdesk, hours=Hours.BUSINESS, period=Period.WEEK)
    assert (business.period, business.group) == (date(2026, 11, 16), "all")  # Monday
    assert business.conversations == 10
    assert (business.automated, business.automation_rate) == (6, 0.6)
    assert (business.handed_over, business.handover_rate) == (3, 0.3)
    # All but the abandoned one were resolved; the one reopened was resolved again and held.
    assert (business.durable, business.durable_resolution_rate) == (9, 0.9)
    assert (business.reopened, business.resolved, business.reopen_rate) == (1, 9, 1 / 9)
    assert (business.fallbacks, business.bot_turns, business.fallback_rate) == (2, 16, 2 / 16)
    assert [(i.intent, i.handovers) for i in business.handover_intents] == [
        ("order_status", 2),
        ("none", 1),
    ]
    # Business hours (09:00-17:00): the late one waited 16:55-17:00 and 09:00-09:03.
    assert_times(business.queue_wait, minutes(2, 4, 8))
    assert_times(business.first_human_reply, minutes(3, 6, 10))
    assert_times(business.resolution_time, minutes(25, 30, 50))
    assert (business.answered_in_time, business.waits_judged) == (3, 3)  # max_wait_minutes: 10
    assert (business.satisfied, business.ratings, business.csat) == (2, 3, 2 / 3)
    assert (business.resolutions, business.response_rate) == (10, 0.3)
    assert business.comments == 2


async def test_calendar_hours_count_the_night_and_a_week_on_nothing_has_lasted_yet(helpdesk):
    await live_through_the_week(helpdesk)
    [calendar] = await kpis(helpdesk, hours=Hours.CALENDAR, period=Period.DAY)
    assert calendar.period == OPENED
    night = 16 * 60  # 16:55 to 08:55
    assert_times(calendar.queue_wait, minutes(2, 4, night + 8))
    assert_times(calendar.first_human_reply, minutes(3, 6, night + 10))
    assert_times(calendar.resolution_time, minutes(25, 30, night + 50))
    assert (calendar.answered_in_time, calendar.waits_judged) == (2, 3)
    [too_soon] = await kpis(helpdesk, days_later=5, period=Period.MONTH)
    assert too_soon.period == date(2026, 11, 1)
    assert (too_soon.durable, too_soon.reopened, too_soon.automated) == (0, 1, 6)


async def test_the_kpis_split_by_team_agent_intent_language_and_market(helpdesk):
    await live_through_the_week(helpdesk)
    by_team = {k.group: k for k in await kpis(helpdesk, by=Dimension.TEAM)}
    assert sorted(by_team) == ["eu", "none"]
    assert (by_team["eu"].conversations, by_team["eu"].handover_rate) == (3, 1.0)
    assert (by_team["none"].conversations, by_team["none"].automated) == (7, 6)
    assert by_team["none"].queue_wait.count == 0

    by_agent = {k.group: k for k in await kpis(helpdesk, by=Dimension.AGENT)}
    assert {group: k.conversations for group, k in by_agent.items()} == {
        "ana@shop.example": 2,
        "bea@shop.example": 1,
        "none": 7,
    }
    assert_times(by_agent["ana@shop.example"].first_human_reply, minutes(6, 10))
    assert by_agent["ana@shop.example"].csat == 0.5

    by_intent = {k.group: k.conversations for k in await kpis(helpdesk, by=Dimension.INTENT)}
    assert by_intent == {"order_status": 7, "loyalty_balance": 2, "none": 1}

    by_language = {k.group: k.conversations for k in await kpis(helpdesk, by=Dimension.LANGUAGE)}
    assert by_language == {"en": 10}

    by_market = {k.group: k for k in await kpis(helpdesk, by=Dimension.MARKET)}
    assert {group: k.conversations for group, k in by_market.items()} == {
        "EU": 1,
        "US": 1,
        "unknown": 8,
    }
    assert (by_market["US"].handed_over, by_market["US"].csat) == (1, 1.0)


async def test_the_comments_are_listed_and_days_without_conversations_count_nothing(helpdesk):
    await live_through_the_week(helpdesk)
    helpdesk.at(10, 12)
    async with helpdesk.app[DB].session() as session:
        said = await comments(session, _scope(helpdesk))
        nothing = await support_kpis(
            session,
            _scope(helpdesk, start=OPENED + timedelta(days=1), end=OPENED + timedelta(days=3)),
            now=helpdesk.clock.now(),
        )
    assert [(c.rating, c.comment) for c in said] == [(5, "quick and clear"), (2, "too slow")]
    assert nothing == []


def assert_times(figures, seconds: list[float]) -> None:
    """Median and p90 as percentile_cont: linear between the two nearest of the sorted values."""
    ordered = sorted(seconds)
    position = (len(ordered) - 1) * 0.9
    below = int(position)
    p90 = ordered[below] + (ordered[min(below + 1, len(ordered) - 1)] - ordered[below]) * (
        position - below
    )
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    assert figures.count == len(seconds)
    assert figures.median_seconds == pytest.approx(median)
    assert figures.p90_seconds == pytest.approx(p90)


async def sign_in(helpdesk, shopper, email: str, orders: dict[str, str]) -> None:
    """The shop signs `shopper` in as the customer `email`, whose `orders` (number: country,
    oldest first) went where they say."""
    async with helpdesk.app[DB].session() as session:
        for day, (number, country) in enumerate(orders.items(), start=1):
            placed = datetime(2026, 10, day, tzinfo=UTC)
            session.add(
                Order(
                    number=number,
                    email=email,
                    postal_code="1016GV",
                    country=country,
                    currency="EUR",
                    placed_at=placed,
                )
            )
        await session.commit()
        now, signature = helpdesk.clock.now(), identity_signature("k", email)
        assert await verify_identity(
            session, shopper.session_id, email=email, now=now, secret="k", signature=signature
        )


async def test_signed_in_shoppers_count_in_the_market_of_their_own_latest_order(helpdesk):
    """Each signed-in shopper in their own market, folded or not: not the market of whichever
    signed-in customer the database lists first."""
    helpdesk.at(0, 10)
    in_britain = await helpdesk.shopper("hello", "where is my order")
    in_america = await helpdesk.shopper("hi", "my order please")
    await sign_in(helpdesk, in_britain, "gb@example.com", {"20001": "US", "20002": "GB"})
    await sign_in(helpdesk, in_america, "us@example.com", {"20003": "GB", "20004": "US"})
    by_market = {k.group: k.conversations for k in await kpis(helpdesk, by=Dimension.MARKET)}
    assert by_market == {"GB": 1, "US": 1}  # read from the log, then from folded facts
