"""Two helpdesk replicas on one PostgreSQL database and one Redis: the shopper talks to one, the
agent works on the other, and each sees the other live (DESIGN.md: one machine, then many)."""

from __future__ import annotations

import uuid

import pytest

from helpdesk.app import create_app
from helpdesk.clock import SetClock
from helpdesk.rasa.client import BotMessage
from helpdesk.settings import Settings
from tests.conftest import open_session
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support
from tests.support.fakes import FakeBot
from tests.support.instants import WEEKDAY_MORNING_IN_AMSTERDAM

pytestmark = pytest.mark.usefixtures("quick_password_hashing")


async def replica(aiohttp_client, settings: Settings, detector, translator):
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
            settings.model_copy(),
            bot=bot,
            detector=detector,
            translator=translator,
            clock=SetClock(WEEKDAY_MORNING_IN_AMSTERDAM),
        )
    )


async def test_a_shopper_on_one_replica_and_an_agent_on_another(
    postgres_url, redis_url, aiohttp_client, settings, detector, translator, tmp_path
):
    settings.database_url, settings.redis_url = postgres_url, redis_url
    settings.shop = f"shop-{uuid.uuid4().hex[:8]}"  # its own Redis channels
    settings.policies_dir = policies_with_support(tmp_path / "policies")
    shop_side = await replica(aiohttp_client, settings, detector, translator)
    agent_side = await replica(aiohttp_client, settings, detector, translator)
    await add_agent(agent_side.app, "ana@shop.example", name="Ana", role="admin")
    ana = await AgentClient.logged_in(agent_side.make_url("/"), "ana@shop.example")
    try:
        agent_socket = await ana.socket()
        shopper = await open_session(shop_side, "en")
        shopper_socket = await shopper.socket()
        assert (await shopper.say("a person please"))["state"] == "queued"

        arrived = [await agent_socket.receive_json(timeout=10) for _ in range(2)]
        queued = next(e for e in arrived if e["type"] == "queue")
        assert queued["item"]["id"] == shopper.session_id

        await ana.claim(shopper.session_id)
        await ana.reply(shopper.session_id, "Hi, Ana here, on the other replica.")
        heard = []
        while not any(e.get("message", {}).get("from") == "agent" for e in heard):
            heard.append(await shopper_socket.receive_json(timeout=10))
        assert heard[-1]["message"]["text"] == "Hi, Ana here, on the other replica."
        assert {"type": "state", "state": "with_agent", "agent": "Ana", "state_version": 2} in heard
        await shopper_socket.close()
        await agent_socket.close()
    finally:
        await ana.close()
