"""The running service keeps the daily roll-up current: every FOLD_EVERY_SECONDS it folds the
facts, then the closed days not folded for their generation (insights/folding.py), so that a
request finds them folded, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select

from helpdesk import app as composition
from helpdesk.database import DB
from helpdesk.insights import facts, folding, rollup
from helpdesk.insights.rollup_days import DAILY
from helpdesk.policies.watch import POLICIES
from tests.insights.support_scene import (
    SCRIPT,
    Helpdesk,
    drop_database,
    fresh_database_url,
    live_through_the_week,
)
from tests.insights.test_rollup import WEDNESDAY, answered, figures, live_figures
from tests.support.fakes import FakeBot

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
EVERY = 0.2  # seconds between the service's folds here


@pytest.fixture(params=["sqlite", "postgresql"])
async def running(request, aiohttp_client, settings, detector, translator, tmp_path, monkeypatch):
    """A helpdesk whose own fold runs every EVERY seconds, every event folded at once."""
    monkeypatch.setattr(composition, "FOLD_EVERY_SECONDS", EVERY)
    monkeypatch.setattr(facts, "MARGIN", 0)
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    settings.database_url, name = await fresh_database_url(server, tmp_path)
    bot = FakeBot(SCRIPT)
    helpdesk = await Helpdesk.started(aiohttp_client, settings, detector, translator, tmp_path, bot)
    yield helpdesk
    await helpdesk.client.close()  # its fold stops before its database goes
    if server and name:
        await drop_database(server, name)


async def rows_of(helpdesk: Helpdesk, day: str) -> int:
    async with helpdesk.app[DB].session() as session:
        connection = await session.connection()
        query = select(func.count()).select_from(DAILY).where(DAILY.c.day == day)
        return (await connection.execute(query)).scalar() or 0


async def test_the_service_folds_the_closed_days_before_anyone_asks(running):
    helpdesk = running
    await live_through_the_week(helpdesk)
    helpdesk.at(12, 12)
    closed = {f"2026-11-{day}" for day in range(18, 30)}  # since the first conversation
    for _ in range(200):  # the service folds the facts, then the days: within a few turns
        if await answered(helpdesk) == closed:
            break
        await asyncio.sleep(EVERY)
    assert await answered(helpdesk) == closed
    assert await rows_of(helpdesk, WEDNESDAY) > 1
    policies = helpdesk.app[POLICIES].policies
    async with helpdesk.app[DB].session() as session:
        recent = await facts.recent(await session.connection())
        left = await rollup.fold(
            session,
            date(2026, 11, 18),
            date(2026, 11, 30),
            today=helpdesk.clock.now().date(),
            recent=recent,
            support=policies.support,
        )
    assert left == 0  # every closed day since the first conversation was folded already
    assert await figures(helpdesk) == await live_figures(helpdesk)


async def test_nothing_to_fold_before_the_first_conversation(running):
    policies = running.app[POLICIES].policies
    async with running.app[DB].session() as session:
        today = running.clock.now().date()
        assert await folding.fold(session, today=today, support=policies.support) == 0
