"""The loyalty tests' fixtures: a migrated database on SQLite and on PostgreSQL; the app with
agents (`client`) and Ana of team eu, logged in."""

import pytest

from helpdesk.app import create_app
from tests.loyalty.desk import HANDOFF
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support
from tests.support.databases import (  # noqa: F401 - fixtures
    database,
    database_url,
    migrated_postgres,
    migrated_sqlite,
)
from tests.support.fakes import FakeBot


@pytest.fixture
async def client(clock, aiohttp_client, settings, detector, translator, tmp_path):
    settings.policies_dir = policies_with_support(tmp_path / "policies")
    bot = FakeBot({"a person please": HANDOFF})
    app = create_app(settings, bot=bot, detector=detector, translator=translator, clock=clock)
    return await aiohttp_client(app)


@pytest.fixture
async def ana(client):
    await add_agent(client.app, "ana@shop.example", name="Ana")
    agent = await AgentClient.logged_in(client.make_url("/"), "ana@shop.example")
    yield agent
    await agent.close()
