"""Folded facts change no figure: after a fold, and after more happens to folded conversations
(a reopening, a new rating) and to new ones, the KPIs and the conversations behind each figure
are exactly those computed from the log alone; on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest.mock import patch

import pytest
from sqlalchemy import delete, func, select

from helpdesk.database import DB
from helpdesk.insights import facts, steps
from helpdesk.insights.conversation_sql import Dimension
from helpdesk.insights.drilldown import Behind, conversations_behind
from helpdesk.insights.sql import writing
from helpdesk.insights.support import Period, Scope, support_kpis
from helpdesk.policies.watch import POLICIES
from tests.insights.support_scene import Helpdesk, live_through_the_week

pytestmark = pytest.mark.usefixtures("quick_password_hashing")


async def figures(helpdesk: Helpdesk) -> list:
    """Every KPI split every way, and the conversations behind every figure, of November."""
    policies = helpdesk.app[POLICIES].policies
    now, found = helpdesk.clock.now(), []
    async with helpdesk.app[DB].session() as session:
        for by in [None, *Dimension]:
            scope = Scope(
                date(2026, 11, 1),
                date(2026, 11, 30),
                period=Period.DAY,
                by=by,
                support=policies.support,
                markets=policies.payments.markets,
            )
            found.append(await support_kpis(session, scope, now=now))
            for kind in Behind:
                page = await conversations_behind(
                    session, scope, kind, group=None, limit=100, offset=0, now=now
                )
                found.append(page)
    return found


async def stored(helpdesk: Helpdesk, table: Any = facts.FACTS) -> int:
    async with helpdesk.app[DB].session() as session:
        connection = await session.connection()
        return (await connection.execute(select(func.count()).select_from(table))).scalar()


async def test_figures_read_from_folded_facts_are_those_of_the_log(helpdesk):
    await live_through_the_week(helpdesk)
    with patch.object(facts, "MARGIN", 0):  # no event is recent unless it came after the fold
        async with helpdesk.app[DB].session() as session:
            assert await facts.fold(session) == 10
        assert await stored(helpdesk) == 10
        # The three hand-overs of the week: each wait ended by a claim, first reply, resolution.
        assert await stored(helpdesk, steps.STEPS) == 9
        # Then more happens: a resolved conversation comes back, a shopper rates again, and a
        # new conversation is handed over.
        helpdesk.at(3, 10)
        await helpdesk.shoppers["happy"].say("do I have a rewards account?")
        assert (await helpdesk.rate(helpdesk.shoppers["late"], 4)).status == 200
        await helpdesk.shopper("hello there", "a person please")
        helpdesk.at(10, 12)
        folded_then_more = await figures(helpdesk)
        with patch.object(facts, "LISTED", 0):  # too many recent ones to name: selected in SQL
            assert await figures(helpdesk) == folded_then_more
        async with helpdesk.app[DB].session() as session:
            await (await writing(session)).execute(delete(facts.FACTS))
            await session.commit()
        from_the_log = await figures(helpdesk)
        assert folded_then_more == from_the_log
        async with helpdesk.app[DB].session() as session:
            assert await facts.fold(session) == 11
        assert await figures(helpdesk) == from_the_log


async def test_a_fold_with_nothing_new_writes_nothing_more(helpdesk):
    await live_through_the_week(helpdesk)
    with patch.object(facts, "MARGIN", 0):
        async with helpdesk.app[DB].session() as session:
            assert await facts.fold(session) == 10
            assert await facts.fold(session) == 0


async def test_a_fold_cut_short_loses_no_conversation(helpdesk):
    """Stopped after its first batch (a restart), a fold leaves the others to be read from the
    log, and the next fold writes them."""
    await live_through_the_week(helpdesk)
    helpdesk.at(10, 12)
    from_the_log = await figures(helpdesk)
    batches = 0
    computed = facts.computed

    def stopping_after_one(where):
        nonlocal batches
        batches += 1
        if batches > 1:
            raise RuntimeError("the service stops")
        return computed(where)

    with patch.object(facts, "MARGIN", 0), patch.object(facts, "FOLD_BATCH", 3):
        with patch.object(facts, "computed", stopping_after_one):
            async with helpdesk.app[DB].session() as session:
                with pytest.raises(RuntimeError):
                    await facts.fold(session)
        assert await stored(helpdesk) == 3
        assert await figures(helpdesk) == from_the_log
        async with helpdesk.app[DB].session() as session:
            assert await facts.fold(session) == 7
        assert await stored(helpdesk) == 10
        assert await figures(helpdesk) == from_the_log
