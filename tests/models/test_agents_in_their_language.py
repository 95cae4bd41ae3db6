"""Shopper and agent each in their own language, with real translation packages: the zh->en
OPUS-MT model and the en<->es models trained by scripts/train_translation_models.py."""

from __future__ import annotations

import pytest

from helpdesk.app import create_app
from helpdesk.clock import SetClock
from helpdesk.rasa.client import BotMessage
from tests.conftest import open_session
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support
from tests.support.instants import WEEKDAY_MORNING_IN_AMSTERDAM

pytestmark = [
    pytest.mark.models,
    pytest.mark.timeout(1800),
    pytest.mark.usefixtures("quick_password_hashing"),
]


class HandingOverBot:
    """Whatever the shopper says, a person is asked for (the real bot's part is tested in e2e/)."""

    async def send(self, conversation_id, text, metadata):
        return [BotMessage(key="utter_handoff"), BotMessage(escalate={"reason": "human_handoff"})]

    async def is_ready(self):
        return True


async def desk(aiohttp_client, settings, detector, translator, tmp_path):
    settings.policies_dir = policies_with_support(tmp_path / "policies")
    return await aiohttp_client(
        create_app(
            settings,
            bot=HandingOverBot(),
            detector=detector,
            translator=translator,
            clock=SetClock(WEEKDAY_MORNING_IN_AMSTERDAM),
        )
    )


async def test_the_workspace_shows_a_chinese_message_with_its_english_translation(
    aiohttp_client, settings, detector, es_en_translator, tmp_path
):
    client = await desk(aiohttp_client, settings, detector, es_en_translator, tmp_path)
    await add_agent(client.app, "wei@shop.example", languages=["en"], team="apac", name="Wei")
    wei = await AgentClient.logged_in(client.make_url("/"), "wei@shop.example")
    try:
        shopper = await open_session(client, "zh")
        await shopper.say("我的订单在哪里？")
        [item] = (await wei.queue())["queued"]
        assert item["lang"] == "zh" and "order" in item["preview_translation"].lower()
        first = (await wei.conversation(item["id"]))["messages"][0]
        assert first["text"] == "我的订单在哪里？"
        assert (
            first["translation"]["lang"] == "en" and "order" in first["translation"]["text"].lower()
        )
    finally:
        await wei.close()


async def test_an_english_agent_and_a_spanish_shopper(
    aiohttp_client, settings, detector, es_en_translator, tmp_path
):
    client = await desk(aiohttp_client, settings, detector, es_en_translator, tmp_path)
    await add_agent(client.app, "ana@shop.example", languages=["en"], role="admin", name="Ana")
    ana = await AgentClient.logged_in(client.make_url("/"), "ana@shop.example")
    try:
        shopper = await open_session(client, "es")
        await shopper.say("Todavía no he recibido el reembolso del pedido.")
        conversation = await ana.claim(shopper.session_id)
        asked = conversation["messages"][0]
        assert (
            asked["translation"]["lang"] == "en"
            and "refund" in asked["translation"]["text"].lower()
        )

        preview = await ana.ok(
            "POST",
            f"/api/agent/conversations/{shopper.session_id}/preview",
            {"text": "Your refund has been sent."},
        )
        assert preview["lang"] == "es" and preview["translated"] is True
        sent = await ana.reply(shopper.session_id, "Your refund has been sent.")
        assert sent["message"]["text"] == preview["text"] and "reembolso" in preview["text"].lower()

        read = (await shopper.transcript())[-1]
        assert read["from"] == "agent" and read["text"] == preview["text"] and read["lang"] == "es"
        kept = (await ana.conversation(shopper.session_id))["messages"][-1]
        assert kept["translation"] == {"text": "Your refund has been sent.", "lang": "en"}
    finally:
        await ana.close()
