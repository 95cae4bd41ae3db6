"""The hand-over with the real bot: Rasa never hears what the shopper tells a person, the agent
sees what the bot understood, and after the agent resolves, the bot answers again."""

from __future__ import annotations

import pytest

from tests.conftest import open_session
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support

pytestmark = [pytest.mark.rasa, pytest.mark.usefixtures("quick_password_hashing")]


async def user_texts(rasa, conversation_id: str) -> list[str]:
    return [e["text"] for e in await rasa.tracker_events(conversation_id) if e["event"] == "user"]


async def test_a_person_takes_over_and_hands_back_to_the_bot(helpdesk, rasa, tmp_path):
    policies_with_support(tmp_path / "policies")  # the app's own copy: agents at work all week
    await add_agent(
        helpdesk.app, "ana@shop.example", languages=["en", "es"], name="Ana", role="admin"
    )
    ana = await AgentClient.logged_in(helpdesk.make_url("/"), "ana@shop.example")
    try:
        shopper = await open_session(helpdesk, locale="es")
        await shopper.say("¿dónde está mi pedido 10010?")
        answer = await shopper.say("quiero hablar con una persona")
        assert answer["state"] == "queued"

        [item] = (await ana.queue())["queued"]
        conversation = await ana.claim(item["id"])
        assert conversation["summary"]["reason"] == "human_handoff"
        assert conversation["summary"]["order_number"] == "10010"
        assert (
            conversation["order"]["number"] == "10010"
            and conversation["order"]["verified"] is False
        )
        bot_said = [m for m in conversation["messages"] if m["from"] == "bot"]
        assert all(m["translation"]["lang"] == "en" for m in bot_said)  # from locales/en.yml

        await shopper.say(
            "mi correo es lena.fischer@example.com"
        )  # a person reads this, not the bot
        await ana.reply(shopper.session_id, "Gracias, Lena. Lo miro ahora mismo.")
        await ana.resolve(shopper.session_id)
        assert "mi correo es lena.fischer@example.com" not in await user_texts(
            rasa, shopper.session_id
        )

        again = await shopper.say("hola")
        assert again["state"] == "bot" and again["messages"][0]["from"] == "bot"
        assert (await user_texts(rasa, shopper.session_id))[-1] == "hola"
    finally:
        await ana.close()
