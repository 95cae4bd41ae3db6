"""A migrated database for tests of data access, once on SQLite and once on PostgreSQL (the
session's server, tests/support/servers.py)."""

from __future__ import annotations

import pytest

from helpdesk.database import Database


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'helpdesk.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def database(database_url):
    database = Database(database_url)
    await database.upgrade()
    yield database
    await database.close()
