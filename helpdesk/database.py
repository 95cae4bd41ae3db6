"""The database: an async engine for DATABASE_URL, sessions, and migrations on start.

On SQLite (WAL) a process writes through one connection and reads through a pool of others: a
session's statements go to a reader until it writes (or locks rows), and from then on to the
writer, until its transaction ends. Writers queue for the one connection in the event loop
instead of backing off in SQLite's busy handler, and reads never wait behind a write.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy import TextClause, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import Select
from sqlmodel import Session as SQLModelSession
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.settings import Settings

T = TypeVar("T")
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str) -> str:
    """Accept plain SQLAlchemy URLs (sqlite:///, postgresql://) and pick the async driver."""
    parsed = make_url(url)
    driver = ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


class Database:
    """One engine and its session factory (on a SQLite file: a writer and a pool of readers)."""

    def __init__(self, url: str, *, pool_size: int = 10, pool_timeout: float = 10.0) -> None:
        self.url = async_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if not self.is_sqlite:
            self.engine: AsyncEngine = create_async_engine(
                self.url,
                pool_pre_ping=True,
                pool_size=pool_size,
                max_overflow=0,
                pool_timeout=pool_timeout,
            )
            self.readers = self.engine
            self.sessions = async_sessionmaker(
                self.engine, class_=AsyncSession, expire_on_commit=False
            )
            return
        _make_sqlite_folder(self.url)
        if make_url(self.url).database in (None, "", ":memory:"):
            # Each connection to :memory: is a database of its own: one engine, as it always was.
            self.engine = self.readers = create_async_engine(self.url, poolclass=NullPool)
            event.listen(self.engine.sync_engine, "connect", _tune_sqlite)
            self.sessions = async_sessionmaker(
                self.engine, class_=AsyncSession, expire_on_commit=False
            )
            return
        # The writer: one connection, waited for in the event loop. A write transaction holds
        # SQLite's one write lock until it ends anyway; here the others wait in line for it.
        self.engine = create_async_engine(
            self.url, pool_size=1, max_overflow=0, pool_timeout=pool_timeout
        )
        event.listen(self.engine.sync_engine, "connect", _tune_sqlite)
        # A reader never begins a transaction (pysqlite begins one only before a write, and
        # readers are query_only): nothing to roll back when one goes back to the pool.
        self.readers = create_async_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=2 * pool_size,
            pool_timeout=pool_timeout,
            pool_reset_on_return=None,
        )
        event.listen(self.readers.sync_engine, "connect", _tune_sqlite_reader)
        routing = type(
            "SqliteRoutingSession",
            (RoutingSession,),
            {"writer": self.engine.sync_engine, "reader": self.readers.sync_engine},
        )
        self.sessions = async_sessionmaker(
            class_=AsyncSession, sync_session_class=routing, expire_on_commit=False
        )

    def session(self) -> AsyncSession:
        return self.sessions()

    async def ping(self, timeout: float = 1.0) -> bool:
        """Whether the database answers within `timeout` (a full pool counts as not answering)."""
        try:
            async with asyncio.timeout(timeout):
                async with self.readers.connect() as connection:
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
        if self.readers is not self.engine:
            await self.readers.dispose()


class RoutingSession(SQLModelSession):
    """Reads on a reader connection until the transaction writes, flushes or locks rows;
    then everything on the writer (so the transaction reads its own writes) until it ends.
    Reads before the first write were outside any transaction on SQLite already (pysqlite
    begins one only before a write)."""

    writer: Engine
    reader: Engine
    _writing = False

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kw: Any) -> Any:
        if bind is not None:
            return bind
        if self._writing or self._flushing or _writes(clause):
            self._writing = True
            return self.writer
        return self.reader


@event.listens_for(RoutingSession, "after_transaction_end")
def _back_to_readers(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and isinstance(session, RoutingSession):
        session._writing = False


def _writes(clause: Any) -> bool:
    if isinstance(clause, UpdateBase):
        return True
    if isinstance(clause, Select):
        return clause._for_update_arg is not None
    if isinstance(clause, TextClause):
        return not clause.text.lstrip().lower().startswith(("select", "with", "pragma"))
    return False


def _make_sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets readers work while a writer commits; busy_timeout makes concurrent writers wait
    # instead of failing with "database is locked". It comes first: a connection opened while
    # another holds a lock (a reader joining the pool mid-write) asks for WAL too, and without
    # a timeout that question failed at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _tune_sqlite_reader(dbapi_connection, record) -> None:
    # query_only: a write sent here by mistake fails loudly instead of taking the write lock.
    _tune_sqlite(dbapi_connection, record)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


DB = web.AppKey("database", Database)


@asynccontextmanager
async def migrated(url: str) -> AsyncIterator[Database]:
    """The database at its newest migration, closed afterwards: what a command works on."""
    database = Database(url)
    try:
        await database.upgrade()
        yield database
    finally:
        await database.close()


async def in_one_session(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """`work` done in one session of the migrated database: a command's one piece of work."""
    async with migrated(url) as database, database.session() as session:
        return await work(session)


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
