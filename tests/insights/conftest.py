"""The insights tests' shared fixtures: the helpdesk of support_scene.py on both engines, with the
service's own fold stopped, and the shop of retention_shop.py with an admin signed in."""

from __future__ import annotations

import pytest

from helpdesk import app as composition
from tests.insights.retention_shop import Shop, logged_in
from tests.insights.support_scene import SCRIPT, Helpdesk, drop_database, fresh_database_url
from tests.support.fakes import FakeBot


@pytest.fixture(params=["sqlite", "postgresql"])
async def helpdesk(request, aiohttp_client, settings, detector, translator, tmp_path, monkeypatch):
    # The service's own fold every minute would race the test's folds on a slow machine.
    monkeypatch.setattr(composition, "FOLD_EVERY_SECONDS", 3600.0)
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    settings.database_url, name = await fresh_database_url(server, tmp_path)
    bot = FakeBot(SCRIPT)
    yield await Helpdesk.started(aiohttp_client, settings, detector, translator, tmp_path, bot)
    if server and name:
        await drop_database(server, name)


# Not named `client`: the root conftest's fixtures that ask for `client` (rasa_calls) would get
# this one in every insights test.
@pytest.fixture
async def shop_client(aiohttp_client, settings, detector, translator, clock, tmp_path):
    async with Shop() as shop:
        yield await shop.started(aiohttp_client, settings, detector, translator, clock, tmp_path)


@pytest.fixture
async def admin(shop_client):
    agent = await logged_in(shop_client, "boss@shop.example", "admin")
    yield agent
    await agent.close()
