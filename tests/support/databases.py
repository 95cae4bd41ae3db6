"""A migrated database for tests of data access, once on SQLite and once on PostgreSQL (the
session's server, tests/support/servers.py). Migrating takes a second or two: it is done once
per test session into a template, which each test copies (a file copy on SQLite, CREATE
DATABASE ... TEMPLATE on PostgreSQL)."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from helpdesk.database import Database
from tests.support import servers


async def _migrate(url: str) -> None:
    database = Database(url)
    await database.upgrade()
    await database.close()


async def _admin(server: str, statement: str) -> None:
    connection = await asyncpg.connect(server)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("migrated") / "helpdesk.db"
    asyncio.run(_migrate(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_server) -> Iterator[str]:
    name = f"helpdesk_template_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(postgres_server, f"CREATE DATABASE {name}"))
    asyncio.run(_migrate(servers.with_database(postgres_server, name)))
    yield name
    asyncio.run(_admin(postgres_server, f"DROP DATABASE {name} WITH (FORCE)"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "helpdesk.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite:///{path}"
        return
    server, template = (
        request.getfixturevalue("postgres_server"),
        request.getfixturevalue("migrated_postgres"),
    )
    name = f"helpdesk_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(server, f"CREATE DATABASE {name} TEMPLATE {template}"))
    yield servers.with_database(server, name)
    asyncio.run(_admin(server, f"DROP DATABASE {name} WITH (FORCE)"))


@pytest.fixture
async def database(database_url):
    database = Database(database_url)
    yield database
    await database.close()
