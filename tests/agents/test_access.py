"""What an agent may see: their team's queue and what they hold, never a conversation that never
asked for a person (admins only), and never an order the shopper only named."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from helpdesk.app import create_app
from helpdesk.database import DB
from helpdesk.orders.demo import load_demo_shop
from helpdesk.orders.models import Order
from helpdesk.policies import load_policies
from helpdesk.rasa.client import BotMessage
from tests.conftest import open_session
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support
from tests.support.fakes import FakeBot

HANDOFF = [BotMessage(key="utter_handoff"), BotMessage(escalate={"reason": "human_handoff"})]


@pytest.fixture
async def client(
    clock, aiohttp_client, settings, detector, translator, tmp_path, quick_password_hashing
):
    settings.policies_dir = policies_with_support(tmp_path / "policies")
    bot = FakeBot({"a person please": HANDOFF, "uma pessoa por favor": HANDOFF})
    return await aiohttp_client(
        create_app(settings, bot=bot, detector=detector, translator=translator, clock=clock)
    )


async def agent(client, email: str, **account) -> AgentClient:
    await add_agent(client.app, email, **account)
    return await AgentClient.logged_in(client.make_url("/"), email)


async def test_an_agent_cannot_read_preview_or_claim_another_teams_conversation(client):
    eu = await agent(client, "eva@shop.example", team="eu")
    americas = await agent(client, "joao@shop.example", team="americas", languages=["pt"])
    try:
        shopper = await open_session(client, "pt")
        assert (await shopper.say("uma pessoa por favor"))["state"] == "queued"
        path = f"/api/agent/conversations/{shopper.session_id}"
        for response in [
            await eu.get(path),
            await eu.post(f"{path}/claim"),
            await eu.post(f"{path}/preview", {"text": "hello"}),
        ]:
            body = await response.json()
            assert response.status == 403 and body["code"] == "other_team", body
            assert "americas" in body["error"] and "messages" not in body
        assert (await americas.conversation(shopper.session_id))["state"] == "queued"
        assert (await americas.claim(shopper.session_id))["state"] == "with_agent"
    finally:
        await eu.close()
        await americas.close()


async def test_a_conversation_that_never_asked_for_a_person_is_for_admins_only(client):
    eva = await agent(client, "eva@shop.example", team="eu")
    boss = await agent(client, "boss@shop.example", role="admin")
    try:
        shopper = await open_session(client, "en")
        await shopper.say("hi, my address is Keizersgracht 1")
        path = f"/api/agent/conversations/{shopper.session_id}"
        refused = await eva.get(path)
        assert refused.status == 403 and (await refused.json())["code"] == "other_team"
        claim = await eva.post(f"{path}/claim")
        assert claim.status == 403
        read = await boss.conversation(shopper.session_id)
        assert read["messages"][0]["text"] == "hi, my address is Keizersgracht 1"
    finally:
        await eva.close()
        await boss.close()


async def test_one_agent_claiming_two_at_once_never_goes_over_capacity(client):
    solo = await agent(client, "solo@shop.example", capacity=1)
    try:
        waiting = [await open_session(client, "en") for _ in range(6)]
        for shopper in waiting:
            await shopper.say("a person please")
        answers = await asyncio.gather(
            *(solo.post(f"/api/agent/conversations/{s.session_id}/claim") for s in waiting)
        )
        assert sorted(a.status for a in answers) == [200] + [409] * 5
        assert len((await solo.queue())["mine"]) == 1
    finally:
        await solo.close()


async def test_an_order_the_shopper_only_named_shows_without_personal_data(
    aiohttp_client, settings, detector, translator, tmp_path, clock
):
    settings.policies_dir = policies_with_support(tmp_path / "policies")
    bot = FakeBot(
        {
            "a person about order 10001": [
                BotMessage(escalate={"reason": "human_handoff", "order_number": "10001"})
            ]
        }
    )
    client = await aiohttp_client(
        create_app(settings, bot=bot, detector=detector, translator=translator, clock=clock)
    )
    async with client.app[DB].session() as session:
        await load_demo_shop(session, load_policies(settings.policies_dir), today=clock.today())
        order = (await session.exec(select(Order).where(Order.number == "10001"))).one()
    ana = await agent(client, "ana@shop.example", role="admin")
    try:
        shopper = await open_session(client, "en")
        await shopper.say("a person about order 10001")
        seen = await ana.conversation(shopper.session_id)
        assert seen["order"] == {"number": "10001", "verified": False}
        shown = str(seen)
        assert order.email not in shown and order.customer_name not in shown
    finally:
        await ana.close()
