"""The daily roll-up changes no figure: the KPIs of closed days read from it are exactly those of
the live query, every split, period and kind of hours, on SQLite and on PostgreSQL; after late
events on a folded day (a new rating, a reopening), with two folders at once, while its
resolutions have not all held for the window yet, after a signed-in shopper's orders change,
and after an edit of support.yml."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from unittest.mock import patch

import pytest
from sqlalchemy import delete, func, select, update
from sqlmodel import col

from helpdesk.database import DB
from helpdesk.insights import facts, rollup, rollup_read, support
from helpdesk.insights.conversation_sql import Dimension
from helpdesk.insights.hours import Hours
from helpdesk.insights.rollup_days import DAILY, DAYS
from helpdesk.insights.support import Period, Scope, support_kpis
from helpdesk.orders.models import Order
from helpdesk.policies.watch import POLICIES
from tests.insights.support_scene import NINE_TO_FIVE, Helpdesk, live_through_the_week
from tests.insights.test_support_kpis import sign_in
from tests.support.agent_clients import policies_with_support

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
WEDNESDAY = "2026-11-18"  # the day the ten conversations opened


def scopes(helpdesk: Helpdesk):
    policies = helpdesk.app[POLICIES].policies
    for by in [None, *Dimension]:
        for period in (Period.DAY, Period.MONTH):
            for hours in Hours:
                yield Scope(
                    date(2026, 11, 1),
                    date(2026, 11, 30),
                    period=period,
                    by=by,
                    hours=hours,
                    support=policies.support,
                    markets=policies.payments.markets,
                )


async def figures(helpdesk: Helpdesk) -> list:
    """Every KPI split every way, per day and month, in both kinds of hours, of November."""
    now, found = helpdesk.clock.now(), []
    async with helpdesk.app[DB].session() as session:
        for scope in scopes(helpdesk):
            found.append(await support_kpis(session, scope, now=now))
    return found


async def live_figures(helpdesk: Helpdesk) -> list:
    """The same, with no day folded nor read from the roll-up: the live query."""

    async def nothing_folded(*_args, **_options) -> int:
        return 0

    async def nothing_rolled(*_args, **_options) -> rollup_read.Rolled:
        return rollup_read.Rolled(set(), [])

    with (
        patch.object(support.rollup, "fold", nothing_folded),
        patch.object(support.rollup_read, "read", nothing_rolled),
    ):
        return await figures(helpdesk)


async def answered(helpdesk: Helpdesk) -> set[str]:
    """The days the roll-up answers for now, in November."""
    now = helpdesk.clock.now()
    policies = helpdesk.app[POLICIES].policies
    async with helpdesk.app[DB].session() as session:
        connection = await session.connection()
        recent = await facts.recent(connection)
        rolled = await rollup_read.read(
            connection,
            date(2026, 11, 1),
            date(2026, 11, 30),
            None,
            support=policies.support,
            now=now,
            recent=recent,
        )
    return rolled.days


async def count(helpdesk: Helpdesk, table=DAILY) -> int:
    async with helpdesk.app[DB].session() as session:
        connection = await session.connection()
        return (await connection.execute(select(func.count()).select_from(table))).scalar()


async def fold_facts(helpdesk: Helpdesk) -> int:
    async with helpdesk.app[DB].session() as session:
        return await facts.fold(session)


async def test_closed_days_from_the_rollup_are_the_live_figures(helpdesk):
    await live_through_the_week(helpdesk)
    with patch.object(facts, "MARGIN", 0):  # no event is recent unless it came after the fold
        assert await fold_facts(helpdesk) == 10
        helpdesk.at(12, 12)  # Monday 30 November: every resolution has held for a week
        live = await live_figures(helpdesk)
        assert await count(helpdesk) == 0
        assert await figures(helpdesk) == live
        # Every closed day of November is folded (the empty ones as one row each), and read.
        assert await answered(helpdesk) == {f"2026-11-{day:02}" for day in range(1, 30)}
        assert await count(helpdesk) > 29
        assert await figures(helpdesk) == live  # read again, from the rows written


async def test_a_late_event_on_a_folded_day_is_never_read_stale(helpdesk):
    ids = await live_through_the_week(helpdesk)
    with patch.object(facts, "MARGIN", 0):
        await fold_facts(helpdesk)
        helpdesk.at(12, 12)
        before = await figures(helpdesk)
        assert WEDNESDAY in await answered(helpdesk)
        # Twelve days later: the shopper who rated 2 rates again, and a resolved conversation
        # comes back to the bot (a reopening, too late to count as one, and a new bot turn).
        helpdesk.at(12, 13)
        assert (await helpdesk.rate(helpdesk.shoppers["late"], 5)).status == 200
        await helpdesk.shoppers["happy"].say("do I have a rewards account?")
        # Not folded yet: their conversations are recent, so their day is read live.
        assert WEDNESDAY not in await answered(helpdesk)
        live = await live_figures(helpdesk)
        assert live != before
        assert await figures(helpdesk) == live
        # Folded: the day's generation is raised, its old rows are never read again, and the
        # first read folds it anew.
        assert await fold_facts(helpdesk) == 2
        async with helpdesk.app[DB].session() as session:
            connection = await session.connection()
            query = select(DAYS.c.generation).where(DAYS.c.day == WEDNESDAY)
            assert (await connection.execute(query)).scalar() >= 2
        assert await live_figures(helpdesk) == live
        assert await figures(helpdesk) == live
        assert WEDNESDAY in await answered(helpdesk)
        assert await figures(helpdesk) == live
    assert ids["late"] and ids["happy"]


async def test_two_folders_at_once_write_each_row_once(helpdesk):
    await live_through_the_week(helpdesk)
    with patch.object(facts, "MARGIN", 0):
        await fold_facts(helpdesk)
        helpdesk.at(12, 12)
        live = await live_figures(helpdesk)
        policies = helpdesk.app[POLICIES].policies
        today = helpdesk.clock.now().date()

        async def folder() -> int:
            async with helpdesk.app[DB].session() as session:
                recent = await facts.recent(await session.connection())
                return await rollup.fold(
                    session,
                    date(2026, 11, 1),
                    date(2026, 11, 30),
                    today=today,
                    recent=recent,
                    support=policies.support,
                )

        folded = await asyncio.gather(folder(), folder())
        assert folded[0] == 29 or folded[1] == 29
        rows = await count(helpdesk)
        assert await folder() == 0  # nothing left to fold
        assert await count(helpdesk) == rows
        assert await figures(helpdesk) == live
        assert await count(helpdesk) == rows


async def generation(helpdesk: Helpdesk, day: str = WEDNESDAY) -> int:
    async with helpdesk.app[DB].session() as session:
        connection = await session.connection()
        query = select(DAYS.c.generation).where(DAYS.c.day == day)
        return (await connection.execute(query)).scalar() or 0


def durable(found: list) -> int:
    """November's durable resolutions, unsplit (the third scope: per month, business hours)."""
    [month] = found[2]
    return month.durable


async def test_a_day_is_read_from_the_rollup_before_its_resolutions_have_held(helpdesk):
    """Whether a resolution has held for the window is asked of now: the roll-up keeps when each
    began to hold, and the day is read from it, folded once, as they become durable one by one."""
    await live_through_the_week(helpdesk)
    with patch.object(facts, "MARGIN", 0):
        await fold_facts(helpdesk)
        seen, folded = [], None
        # Saturday; then as the Wednesday's bot and agent resolutions (11:30-11:45) have held,
        # the late shopper's of Thursday 9:45, and the Friday's of the one who came back.
        for day, hour in [(3, 12), (8, 9), (8, 11), (9, 11)]:
            helpdesk.at(day, hour)
            live = await live_figures(helpdesk)
            assert await figures(helpdesk) == live
            assert WEDNESDAY in await answered(helpdesk)
            assert await figures(helpdesk) == live
            seen.append(durable(live))
            rows = await wednesday_rows(helpdesk)
            assert folded in (None, rows)  # the day's rows were written once
            folded = rows
        assert seen[0] == 0
        assert seen == sorted(set(seen))  # each step makes more of them durable


async def wednesday_rows(helpdesk: Helpdesk) -> list:
    async with helpdesk.app[DB].session() as session:
        connection = await session.connection()
        query = select(DAILY).where(DAILY.c.day == WEDNESDAY).order_by(*DAILY.primary_key)
        return list(await connection.execute(query))


async def test_an_edit_of_support_yml_folds_the_days_again(helpdesk, tmp_path):
    """Business hours and longest waits come from support.yml: rows folded under the old one
    are not read under the new one; the first read folds the days again."""
    await live_through_the_week(helpdesk)
    with patch.object(facts, "MARGIN", 0):
        await fold_facts(helpdesk)
        helpdesk.at(12, 12)
        before = await figures(helpdesk)
        rows = await count(helpdesk)
        # The European team now opens at 8: the late shopper of Wednesday 16:55, claimed on
        # Thursday at 9:03, waited 68 minutes of its hours instead of 8.
        eight_to_five = {day: "08:00-17:00" for day in NINE_TO_FIVE}
        policies_with_support(
            tmp_path / "policies", eu_hours=eight_to_five, americas_hours=NINE_TO_FIVE
        )
        assert helpdesk.app[POLICIES].reload()
        live = await live_figures(helpdesk)
        assert live != before
        assert await count(helpdesk) == rows
        assert await figures(helpdesk) == live
        assert await count(helpdesk) == 2 * rows  # every closed day folded under the new one
        assert WEDNESDAY in await answered(helpdesk)
        assert await figures(helpdesk) == live


async def test_a_signed_in_shopper_on_a_folded_day_moves_with_their_latest_order(helpdesk):
    """Their market follows their latest order, which changes without an event: each change of
    their orders (placed, corrected, deleted) sends their days live until the facts fold, and
    those days are folded again."""
    await live_through_the_week(helpdesk)
    helpdesk.at(0, 10)
    signed_in = await helpdesk.shopper("hello", "a person please")
    await sign_in(helpdesk, signed_in, "gb@example.com", {"20011": "US", "20012": "GB"})
    with patch.object(facts, "MARGIN", 0):
        assert await fold_facts(helpdesk) == 11
        helpdesk.at(12, 12)
        live = await live_figures(helpdesk)
        assert await figures(helpdesk) == live
        assert WEDNESDAY in await answered(helpdesk)
        folded = await generation(helpdesk)

        async def changed(change) -> list:
            """The figures after `change` to the orders, checked before and after the fold."""
            async with helpdesk.app[DB].session() as session:
                await change(session)
                await session.commit()
            now_live = await live_figures(helpdesk)
            assert WEDNESDAY not in await answered(helpdesk)
            assert await figures(helpdesk) == now_live
            assert await fold_facts(helpdesk) == 0  # no event: only the orders' changes
            assert await generation(helpdesk) > folded
            assert await figures(helpdesk) == now_live  # folded again on the first read
            assert WEDNESDAY in await answered(helpdesk)
            return now_live

        async def place(session) -> None:
            session.add(
                Order(
                    number="20013",
                    email="gb@example.com",
                    postal_code="1016GV",
                    country="US",
                    currency="EUR",
                    placed_at=datetime(2026, 11, 29, tzinfo=UTC),
                )
            )

        moved = await changed(place)
        assert moved != live

        async def correct(session) -> None:  # the new order went to Britain after all
            await session.exec(
                update(Order).where(col(Order.number) == "20013").values(country="GB")
            )

        assert await changed(correct) == live

        async def remove(session) -> None:  # and the British one before it is gone
            for number in ("20013", "20012"):
                await session.exec(delete(Order).where(col(Order.number) == number))

        assert await changed(remove) == moved  # the latest one left is American
