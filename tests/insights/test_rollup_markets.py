"""A split by market answers once per market of payments.yml, its countries' figures added up, as
the drill-down reads a market: live, from folded facts and from the daily roll-up, on SQLite and
on PostgreSQL."""

from __future__ import annotations

from datetime import date
from unittest.mock import patch

import pytest

from helpdesk.database import DB
from helpdesk.insights import facts
from helpdesk.insights.conversation_sql import Dimension
from helpdesk.insights.support import Period, Scope, support_kpis
from helpdesk.policies.watch import POLICIES
from tests.insights.support_scene import Helpdesk, prove

pytestmark = pytest.mark.usefixtures("quick_password_hashing")


async def by_market(helpdesk: Helpdesk) -> dict[str, tuple[int, int]]:
    """November's (conversations, hand-overs) per market."""
    policies = helpdesk.app[POLICIES].policies
    scope = Scope(
        date(2026, 11, 1),
        date(2026, 11, 30),
        period=Period.MONTH,
        by=Dimension.MARKET,
        support=policies.support,
        markets=policies.payments.markets,
    )
    async with helpdesk.app[DB].session() as session:
        found = await support_kpis(session, scope, now=helpdesk.clock.now())
    assert len({kpis.group for kpis in found}) == len(found)
    return {kpis.group: (kpis.conversations, kpis.handed_over) for kpis in found}


async def test_the_countries_of_a_market_answer_as_one(helpdesk):
    helpdesk.at(0, 10)
    for number, country in [("30001", "DE"), ("30002", "FR"), ("30003", "GB")]:
        shopper = await helpdesk.shopper("was my order cancelled?")
        await prove(helpdesk, shopper, number, country)
    await helpdesk.shopper("where is my parcel?", "a person please")  # proves nothing
    expected = {"EU": (2, 0), "GB": (1, 0), "unknown": (1, 1)}
    assert await by_market(helpdesk) == expected  # from the log
    with patch.object(facts, "MARGIN", 0):
        async with helpdesk.app[DB].session() as session:
            await facts.fold(session)
    assert await by_market(helpdesk) == expected  # from the facts: today is not rolled up
    helpdesk.at(2, 10)
    assert await by_market(helpdesk) == expected  # from the roll-up
