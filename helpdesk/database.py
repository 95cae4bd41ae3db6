"""The database: an async engine for DATABASE_URL, sessions, and migrations on start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.settings import Settings

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str) -> str:
    """Accept plain SQLAlchemy URLs (sqlite:///, postgresql://) and pick the async driver."""
    parsed = make_url(url)
    driver = ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str, *, pool_size: int = 10, pool_timeout: float = 10.0) -> None:
        self.url = async_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            _make_sqlite_folder(self.url)
        # SQLite: no pool. Opening a file is cheap, and a pooled aiosqlite connection can outlive
        # the event loop that opened it, to be closed later on a dead loop by the GC.
        options: dict = (
            {"poolclass": NullPool}
            if self.is_sqlite
            else {
                "pool_pre_ping": True,
                "pool_size": pool_size,
                "max_overflow": 0,
                "pool_timeout": pool_timeout,
            }
        )
        self.engine: AsyncEngine = create_async_engine(self.url, **options)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _tune_sqlite)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    def session(self) -> AsyncSession:
        return self.sessions()

    async def ping(self, timeout: float = 1.0) -> bool:
        """Whether the database answers within `timeout` (a full pool counts as not answering)."""
        try:
            async with asyncio.timeout(timeout):
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "not ok" on /healthz
            return False

    async def upgrade(self) -> None:
        """Bring the schema to the newest migration (Alembic runs in a thread: it is sync)."""
        from helpdesk.migrations import upgrade_to_head

        await asyncio.to_thread(upgrade_to_head, self.url)

    async def close(self) -> None:
        await self.engine.dispose()


def _make_sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets readers work while a writer commits; busy_timeout makes concurrent writers wait
    # instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


DB = web.AppKey("database", Database)


def database_context(settings: Settings):
    """cleanup_ctx: open the database, migrate it, close it on shutdown."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        database = Database(
            settings.database,
            pool_size=settings.database_pool_size,
            pool_timeout=settings.database_pool_timeout_seconds,
        )
        await database.upgrade()
        app[DB] = database
        yield
        await database.close()

    return context
