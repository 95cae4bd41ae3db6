"""The due jobs' fixtures: a migrated database on SQLite and on PostgreSQL, and the SMTP server."""

from __future__ import annotations

import pytest

from helpdesk.database import Database
from tests.support.smtp import smtp_server  # noqa: F401 - a fixture


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jobs.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def database(database_url):
    database = Database(database_url)
    await database.upgrade()
    yield database
    await database.close()
