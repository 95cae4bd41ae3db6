"""The app of the insights API tests: insights.yml as retention_scene.py wants it (lost after 90
days, influenced within 7) and its shop's history, on SQLite or a fresh PostgreSQL database; and
agents signed in to it."""

from __future__ import annotations

from helpdesk.app import create_app
from helpdesk.database import DB
from tests.insights.retention_scene import INSIGHTS, History, fill
from tests.insights.support_scene import drop_database, fresh_database_url
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support

# The range of retention_scene.py: the 30 days before the clock's day, both included.
SCENE_RANGE = "from=2026-10-19&to=2026-11-17"


class Shop:
    """The app, with insights.yml as retention_scene.py wants it (lost after 90 days, influenced
    within 7), and its shop's history; on SQLite, or on a fresh database of `postgres_server`."""

    def __init__(self, postgres_server: str | None = None) -> None:
        self.server, self.name = postgres_server, None

    async def __aenter__(self):
        return self

    async def started(self, aiohttp_client, settings, detector, translator, clock, tmp_path):
        settings.database_url, self.name = await fresh_database_url(self.server, tmp_path)
        settings.policies_dir = policies_with_support(tmp_path / "policies")
        (settings.policies_dir / "insights.yml").write_text(
            f"churn_days: {INSIGHTS.churn_days}\ninfluence_days: {INSIGHTS.influence_days}\n"
        )
        app = create_app(settings, detector=detector, translator=translator, clock=clock)
        client = await aiohttp_client(app)
        async with app[DB].session() as session:
            await fill(History(session))
            await session.commit()
        return client

    async def __aexit__(self, *_exc) -> None:
        if self.server and self.name:
            await drop_database(self.server, self.name)


async def logged_in(client, email: str, role: str) -> AgentClient:
    await add_agent(client.app, email, role=role)
    return await AgentClient.logged_in(client.make_url("/"), email)
