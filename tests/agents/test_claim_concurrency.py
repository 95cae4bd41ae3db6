"""Two agents claiming at once: exactly one wins, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update
from sqlmodel import col

from helpdesk.agents.models import Agent
from helpdesk.app import create_app
from helpdesk.clock import SetClock
from helpdesk.database import DB
from helpdesk.rasa.client import BotMessage
from tests.conftest import open_session
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support
from tests.support.fakes import FakeBot
from tests.support.instants import WEEKDAY_MORNING_IN_AMSTERDAM

AGENTS = 24
pytestmark = pytest.mark.usefixtures("quick_password_hashing")


async def desk(aiohttp_client, settings, detector, translator, tmp_path):
    settings.policies_dir = policies_with_support(tmp_path / "policies")
    bot = FakeBot(
        {
            "a person please": [
                BotMessage(key="utter_handoff"),
                BotMessage(escalate={"reason": "human_handoff"}),
            ]
        }
    )
    return await aiohttp_client(
        create_app(
            settings,
            bot=bot,
            detector=detector,
            translator=translator,
            clock=SetClock(WEEKDAY_MORNING_IN_AMSTERDAM),
        )
    )


async def test_of_simultaneous_claims_exactly_one_wins_on_sqlite(
    aiohttp_client, settings, detector, translator, tmp_path
):
    await claim_race(await desk(aiohttp_client, settings, detector, translator, tmp_path))


async def test_of_simultaneous_claims_exactly_one_wins_on_postgresql(
    postgres_url, aiohttp_client, settings, detector, translator, tmp_path
):
    settings.database_url = postgres_url
    await claim_race(await desk(aiohttp_client, settings, detector, translator, tmp_path))


async def claim_race(client) -> None:
    for number in range(AGENTS):
        await add_agent(client.app, f"agent{number}@shop.example")
    agents = await asyncio.gather(
        *(
            AgentClient.logged_in(client.make_url("/"), f"agent{n}@shop.example")
            for n in range(AGENTS)
        )
    )
    try:
        shopper = await open_session(client, "en")
        assert (await shopper.say("a person please"))["state"] == "queued"
        path = f"/api/agent/conversations/{shopper.session_id}/claim"
        answers = await asyncio.gather(*(agent.post(path) for agent in agents))
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [200] + [409] * (AGENTS - 1)
        winner = agents[[a.status for a in answers].index(200)]
        held = await winner.conversation(shopper.session_id)
        assert held["state"] == "with_agent"
        joined = [m for m in await shopper.transcript() if "has joined the chat" in m["text"]]
        assert len(joined) == 1 and joined[0]["text"].startswith(held["agent"]["name"])
    finally:
        await asyncio.gather(*(agent.close() for agent in agents))


async def test_a_lost_claim_is_refused_while_another_write_holds_the_lock_on_sqlite(
    aiohttp_client, settings, detector, translator, tmp_path
):
    """A claim of a conversation another agent has takes no write lock: it is answered at
    once while a long write holds SQLite's, and it changes nothing."""
    client = await desk(aiohttp_client, settings, detector, translator, tmp_path)
    for name in ("ana", "ben"):
        await add_agent(client.app, f"{name}@shop.example", name=name.title())
    ana = await AgentClient.logged_in(client.make_url("/"), "ana@shop.example")
    ben = await AgentClient.logged_in(client.make_url("/"), "ben@shop.example")
    try:
        shopper = await open_session(client, "en")
        assert (await shopper.say("a person please"))["state"] == "queued"
        await ana.claim(shopper.session_id)
        async with client.app[DB].session() as writing:
            await writing.exec(update(Agent).where(col(Agent.id) == -1).values(name="x"))
            async with asyncio.timeout(5):  # SQLite's busy timeout is 10 s
                answer = await ben.post(f"/api/agent/conversations/{shopper.session_id}/claim")
            await writing.rollback()
        assert answer.status == 409
        assert "Ana already has this conversation" in (await answer.json())["error"]
    finally:
        await ana.close()
        await ben.close()
