"""Alembic environment: runs migrations on the service's async engine."""

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import helpdesk.agents.models  # noqa: F401
import helpdesk.chat.models  # noqa: F401 - registers the tables on SQLModel.metadata
import helpdesk.insights.events  # noqa: F401
import helpdesk.insights.facts  # noqa: F401
import helpdesk.jobs.models  # noqa: F401
import helpdesk.loyalty.models  # noqa: F401
import helpdesk.mail.models  # noqa: F401
import helpdesk.orders.models  # noqa: F401

target_metadata = SQLModel.metadata


def run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _migrate(connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:  # helpdesk.migrations.alembic_config always sets it
        raise RuntimeError("no sqlalchemy.url: run the migrations through helpdesk.migrations")
    return url


async def run_online() -> None:
    engine = create_async_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_migrate)
    await engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    asyncio.run(run_online())
