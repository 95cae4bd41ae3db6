"""The insights benchmark's generator (benchmarks/insights_history.py), at a thousandth of its
year: the counts asked for, on both engines through the migrations, the same rows every time,
and a history the KPIs can read."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date

import asyncpg
import pytest

from benchmarks.insights_history import (
    NOW,
    SQLITE,
    PostgresWriter,
    SqliteWriter,
    fill,
    scaled,
)
from helpdesk.database import Database
from helpdesk.insights.support import Scope, support_kpis
from helpdesk.policies import Policies, load_policies
from helpdesk.settings import PROJECT_ROOT
from tests.support import servers

SCALE = 0.001  # 100 conversations, 1,000 messages, 200 orders


@pytest.fixture(scope="module")
def policies() -> Policies:
    loaded = load_policies(PROJECT_ROOT / "policies")
    assert not isinstance(loaded, list), loaded
    return loaded


class Collected:
    """A writer that keeps the rows."""

    encoding = SQLITE

    def __init__(self) -> None:
        self.rows: list[tuple[str, tuple]] = []

    async def write(self, table: str, rows: list[tuple]) -> None:
        self.rows += [(table, row) for row in rows]

    async def commit(self) -> None:
        pass

    async def finish(self) -> None:
        pass


async def test_the_history_is_the_same_every_time(policies):
    first, second = Collected(), Collected()
    await fill(first, policies, scaled(SCALE))  # type: ignore[arg-type]
    await fill(second, policies, scaled(SCALE))  # type: ignore[arg-type]
    assert first.rows == second.rows


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request, tmp_path):
    """An empty database of each engine (PostgreSQL: a new one on the session's server)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"helpdesk_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f"CREATE DATABASE {name}")
    yield servers.with_database(server, name)
    await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    await admin.close()


async def test_the_history_has_the_counts_asked_for(url, policies, tmp_path):
    database = Database(url)
    await database.upgrade()
    engine = "sqlite" if database.is_sqlite else "postgresql"
    if engine == "sqlite":
        writer: SqliteWriter | PostgresWriter = SqliteWriter(tmp_path / "history.db")
    else:
        writer = PostgresWriter(await asyncpg.connect(url))
    filled = await fill(writer, policies, scaled(SCALE))
    assert (filled.rows["conversation"], filled.rows["message"]) == (100, 1000)
    assert filled.rows["shop_order"] == 200
    if engine == "sqlite":
        with sqlite3.connect(tmp_path / "history.db") as connection:
            tables = ("conversation", "message", "shop_order", "conversation_event")
            counts = [connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables]
            assert counts == [filled.rows[table] for table in tables]
            late = "SELECT count(*) FROM conversation_event WHERE refers_to >= id"
            assert connection.execute(late).fetchone()[0] == 0  # each refers to an earlier one
    scope = Scope(date(2025, 12, 1), date(2026, 11, 30), support=policies.support)
    async with database.session() as session:
        kpis = await support_kpis(session, scope, now=NOW)
    await database.close()
    assert sum(month.conversations for month in kpis) == 100
    assert sum(month.handed_over for month in kpis) > 0 and sum(m.ratings for m in kpis) > 0
