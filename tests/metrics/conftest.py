"""The metrics tests' app: the fake bot, a metrics token, support open around the clock."""

from __future__ import annotations

import pytest

from helpdesk.app import create_app
from tests.metrics.scraping import TOKEN
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support


@pytest.fixture
def app_settings(settings, tmp_path):
    settings.metrics_token = TOKEN
    settings.policies_dir = policies_with_support(tmp_path / "policies")  # open around the clock
    return settings


@pytest.fixture
async def client(aiohttp_client, app_settings, fake_bot, detector, translator, clock):
    return await aiohttp_client(
        create_app(
            app_settings, bot=fake_bot, detector=detector, translator=translator, clock=clock
        )
    )


@pytest.fixture
async def agents(client):
    """Ana and Ben of team eu, each logged in in a browser of their own."""
    clients = []
    for name in ("ana", "ben"):
        await add_agent(client.app, f"{name}@shop.example", team="eu")
        clients.append(await AgentClient.logged_in(client.make_url("/"), f"{name}@shop.example"))
    yield clients
    for agent in clients:
        await agent.close()
