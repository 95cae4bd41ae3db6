"""Migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel, col, select

from helpdesk.agents.models import Agent
from helpdesk.database import Database, async_url


def test_plain_urls_get_async_drivers():
    assert async_url("sqlite:///var/x.db") == "sqlite+aiosqlite:///var/x.db"
    assert async_url("postgresql://u:p@h/db") == "postgresql+asyncpg://u:p@h/db"


async def schema_differences(database: Database) -> list:
    async with database.engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), SQLModel.metadata)
        )


async def test_sqlite_migrations_match_the_models(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'h.db'}")
    try:  # closed even when the schemas differ: its pooled connections must not outlive it
        await database.upgrade()
        await database.upgrade()  # a second start changes nothing
        assert await schema_differences(database) == []
    finally:
        await database.close()


async def test_postgres_migrations_match_the_models(postgres_url):
    database = Database(postgres_url)
    await database.upgrade()
    assert await schema_differences(database) == []
    assert await database.ping()
    await database.close()


async def test_the_chat_api_works_on_postgres(
    clock, postgres_url, aiohttp_client, settings, fake_bot, detector
):
    from helpdesk.app import create_app
    from tests.conftest import open_session

    settings.database_url = postgres_url
    client = await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, clock=clock)
    )
    shopper = await open_session(client, locale="en")
    first = await shopper.say("hi", "7d9d3f5e-2f3b-4a7e-9a51-0c1d2e3f4a5b")
    again = await shopper.say("hi", "7d9d3f5e-2f3b-4a7e-9a51-0c1d2e3f4a5b")
    assert first == again and first["messages"][0]["from"] == "bot"
    assert [m["from"] for m in await shopper.transcript()] == ["shopper", "bot"]
    assert (await (await client.get("/healthz")).json())["database"] == "ok"


async def test_on_sqlite_reads_never_wait_behind_a_write(tmp_path):
    """One writer connection and pooled readers: while a transaction holds the write lock,
    other sessions still read (the last committed state), and the writer reads its own
    writes before it commits."""
    database = Database(f"sqlite:///{tmp_path / 'h.db'}")
    await database.upgrade()
    try:
        async with database.session() as writing:
            writing.add(
                Agent(email="a@x", name="Ana", password_hash="-", languages="en", team="eu")
            )
            await writing.flush()
            assert (await writing.exec(select(Agent.name))).all() == ["Ana"]
            async with asyncio.timeout(2), database.session() as reading:
                assert (await reading.exec(select(Agent.name))).all() == []
            assert await database.ping()
            await writing.commit()
        async with database.session() as reading:
            assert (await reading.exec(select(Agent.name))).all() == ["Ana"]
    finally:
        await database.close()


async def test_on_sqlite_writers_take_turns_on_one_connection(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'h.db'}")
    await database.upgrade()

    async def add(number: int) -> None:
        async with database.session() as session:
            await session.exec(select(Agent.id).where(col(Agent.id) == -1).with_for_update())
            session.add(
                Agent(email=f"{number}@x", name="A", password_hash="-", languages="en", team="eu")
            )
            await session.commit()

    try:
        await asyncio.gather(*(add(number) for number in range(30)))
        async with database.session() as session:
            assert len((await session.exec(select(Agent.id))).all()) == 30
        async with database.readers.connect() as reader:  # a read connection refuses to write
            with pytest.raises(OperationalError, match="readonly"):
                await reader.execute(text("DELETE FROM agent"))
    finally:
        await database.close()
