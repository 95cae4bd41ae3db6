"""Retention and support-influenced revenue, on a shop whose every figure is known by hand
(tests/insights/retention_scene.py says who is who)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import asyncpg
import pytest

from helpdesk.database import Database
from helpdesk.insights.influence import HandledBy, support_influence
from helpdesk.insights.retention import CohortFigures, Comparison, CurrencyFigures, retention
from helpdesk.policies import load_policies
from helpdesk.settings import PROJECT_ROOT
from tests.insights.retention_scene import END, INSIGHTS, START, History, at, fill
from tests.support import servers


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request, tmp_path, postgres_server):
    """Both engines: date arithmetic, the latest-of aggregate and NUMERIC sums differ."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'insights.db'}")
        await db.upgrade()
        yield db
        await db.close()
        return
    name = f"helpdesk_test_{uuid.uuid4().hex[:12]}"  # a fresh database on the session's server
    admin = await asyncpg.connect(postgres_server)
    await admin.execute(f"CREATE DATABASE {name}")
    db = Database(servers.with_database(postgres_server, name))
    await db.upgrade()
    yield db
    await db.close()
    await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    await admin.close()


@pytest.fixture
async def shop(database) -> Database:
    async with database.session() as session:
        await fill(History(session))
        await session.commit()
    return database


@pytest.fixture
def markets():
    return load_policies(PROJECT_ROOT / "policies").payments.markets


async def figures(shop: Database, markets):
    async with shop.session() as session:
        return await retention(session, start=START, end=END, insights=INSIGHTS, markets=markets)


def money(currency, customers, orders, total, aov, net, clv) -> CurrencyFigures:
    return CurrencyFigures(
        currency=currency,
        customers=customers,
        orders=orders,
        order_total=Decimal(total),
        average_order_value=None if aov is None else Decimal(aov),
        net_revenue=Decimal(net),
        lifetime_value=Decimal(clv),
    )


def cohort(customers, repeat, churned, *currencies) -> CohortFigures:
    return CohortFigures(
        customers=customers,
        repeat_customers=repeat,
        churned_customers=churned,
        repeat_purchase_rate=repeat / customers if customers else None,
        churn_rate=churned / customers if customers else None,
        currencies=list(currencies),
    )


NOBODY = cohort(0, 0, 0)


def test_the_range_is_the_thirty_days_before_the_clocks_day():
    assert (START, END) == (at(10, 19, 0), at(11, 18, 0))


async def test_everyone(shop, markets):
    found = await figures(shop, markets)
    assert found.churn_days == 90 and (found.start, found.end) == (START, END)
    assert found.everyone == Comparison(
        group="all",
        contacted=cohort(
            4,  # ana, ben, cara, jo
            3,  # all but ben
            1,  # ben
            money("EUR", 3, 2, "105.00", "52.50", "315.00", "105.00"),
            money("GBP", 1, 2, "80.00", "40.00", "110.00", "110.00"),
        ),
        not_contacted=cohort(
            3,  # dan, eve, gus (fay was lost before the range)
            2,  # dan, gus
            1,  # eve
            money("EUR", 2, 3, "300.00", "100.00", "300.00", "150.00"),
            money("USD", 2, 0, "0.00", None, "45.00", "22.50"),  # eve and gus
        ),
    )
    contacted, not_contacted = found.everyone.contacted, found.everyone.not_contacted
    assert (contacted.repeat_purchase_rate, contacted.churn_rate) == (0.75, 0.25)
    assert (not_contacted.repeat_purchase_rate, not_contacted.churn_rate) == (2 / 3, 1 / 3)


async def test_by_market(shop, markets):
    by_market = {row.group: row for row in (await figures(shop, markets)).by_market}
    assert list(by_market) == ["EU", "GB", "US", "default"]
    eu = by_market["EU"]
    assert eu.contacted == cohort(
        3, 2, 1, money("EUR", 3, 2, "105.00", "52.50", "315.00", "105.00")
    )
    assert eu.not_contacted == cohort(
        1, 1, 0, money("EUR", 1, 2, "100.00", "50.00", "100.00", "100.00")
    )
    assert (by_market["GB"].contacted.customers, by_market["GB"].not_contacted) == (1, NOBODY)
    assert by_market["US"].contacted == NOBODY
    assert by_market["US"].not_contacted.churn_rate == 1.0
    assert by_market["default"].not_contacted == cohort(
        1,
        1,
        0,
        money("EUR", 1, 1, "200.00", "200.00", "200.00", "200.00"),
        money("USD", 1, 0, "0.00", None, "15.00", "15.00"),
    )


async def test_by_language(shop, markets):
    by_language = {row.group: row for row in (await figures(shop, markets)).by_language}
    assert list(by_language) == ["de", "en", "es", "nl", "unknown"]
    sizes = {
        lang: (row.contacted.customers, row.not_contacted.customers)
        for lang, row in by_language.items()
    }
    assert sizes == {"de": (1, 0), "en": (1, 1), "es": (1, 0), "nl": (1, 0), "unknown": (0, 2)}
    english = by_language["en"]
    assert english.contacted == cohort(
        1, 1, 0, money("GBP", 1, 2, "80.00", "40.00", "110.00", "110.00")
    )
    assert english.not_contacted == cohort(
        1, 0, 1, money("USD", 1, 0, "0.00", None, "30.00", "30.00")
    )


async def test_an_empty_shop(database, markets):
    async with database.session() as session:
        found = await retention(session, start=START, end=END, insights=INSIGHTS, markets=markets)
    assert found.everyone == Comparison(group="all", contacted=NOBODY, not_contacted=NOBODY)
    assert (found.by_market, found.by_language) == ([], [])


async def test_support_influenced_revenue(shop):
    async with shop.session() as session:
        found = await support_influence(session, start=START, end=END, insights=INSIGHTS)
    assert found.influence_days == 7
    groups = {
        group.handled_by: (
            group.conversations,
            group.orders,
            [(m.currency, m.orders, m.net_revenue) for m in group.currencies],
        )
        for group in found.groups
    }
    assert groups == {
        # ana's first, jo's two, and the one nobody is linked to; J2, and J3 (after the range)
        HandledBy.BOT: (4, 2, [("EUR", 2, Decimal("65.00"))]),
        # ana's second (A2: its refund has not started), ben's, the one with dan's failed proof
        HandledBy.PERSON: (3, 1, [("EUR", 1, Decimal("60.00"))]),
        # cara's: K2 less its settled refund; K3 came exactly 7 days later
        HandledBy.HANDED_OVER: (1, 1, [("GBP", 1, Decimal("50.00"))]),
    }


async def test_ranges_are_aware_moments(shop, markets):
    async with shop.session() as session:
        with pytest.raises(ValueError, match="aware"):
            await retention(
                session,
                start=START.replace(tzinfo=None),
                end=END,
                insights=INSIGHTS,
                markets=markets,
            )
