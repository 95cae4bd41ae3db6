"""The follow-up tests' fixtures: the whole app on a set clock, on SQLite and PostgreSQL, sending
to a real SMTP server."""

from __future__ import annotations

import pytest

from helpdesk.app import create_app
from tests.delays.shop import SECRET
from tests.support.databases import (  # noqa: F401 - fixtures
    database_url,
    migrated_postgres,
    migrated_sqlite,
)
from tests.support.smtp import smtp_server  # noqa: F401 - a fixture


@pytest.fixture
async def shop(
    aiohttp_client,
    settings,
    fake_bot,
    detector,
    translator,
    clock,
    smtp_server,  # noqa: F811
    database_url,  # noqa: F811
):
    settings.database_url = database_url
    settings.smtp_host, settings.smtp_port = "127.0.0.1", smtp_server.port
    settings.smtp_security = "none"  # a relay on this machine
    settings.shopify_webhook_secret = SECRET
    settings.jobs_poll_seconds = 3600  # the tests run the due jobs and the sweeps themselves
    return await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )
