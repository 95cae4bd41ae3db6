"""The agent API refuses what it must (wrong passwords, expired sessions, cross-site requests,
another agent's conversation) and changes nothing when it does; agents read and write in their
own language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk.agents.accounts import SESSION_LIFETIME, hash_password, password_matches
from helpdesk.app import create_app
from helpdesk.languages.translation import Translator
from helpdesk.rasa.client import BotMessage
from helpdesk.web.keys import CLOCK
from tests.conftest import open_session
from tests.support.agent_clients import (
    PASSWORD,
    AgentClient,
    add_agent,
    policies_with_support,
)
from tests.support.fakes import FakeBot, FakeEngine

HANDOFF = [BotMessage(key="utter_handoff"), BotMessage(escalate={"reason": "human_handoff"})]


@pytest.fixture
async def client(clock, aiohttp_client, settings, detector, tmp_path):
    settings.policies_dir = policies_with_support(tmp_path / "policies")
    engine = FakeEngine(
        {
            ("zh", "en"): {"我的订单还没到": "My order has not arrived yet"},
            ("en", "zh"): {
                "I'm sorry, I'll check with the carrier now.": "很抱歉，我现在就联系承运商。"
            },
            ("en", "es"): {"Your refund was sent today.": "Tu reembolso se envió hoy."},
        }
    )
    bot = FakeBot(
        {
            "a person please": HANDOFF,
            "una persona por favor": HANDOFF,
            "vorrei parlare con una persona": HANDOFF,
            "[en] 我要人工": HANDOFF,
        }
    )
    app = create_app(
        settings, bot=bot, detector=detector, translator=Translator(engine), clock=clock
    )
    return await aiohttp_client(app)


@pytest.fixture
async def ana(client):
    await add_agent(client.app, "ana@shop.example", languages=["en"], name="Ana")
    agent = await AgentClient.logged_in(client.make_url("/"), "ana@shop.example")
    yield agent
    await agent.close()


async def queued(client, text="a person please", locale="en"):
    shopper = await open_session(client, locale)
    assert (await shopper.say(text))["state"] == "queued"
    return shopper


def test_passwords_are_stored_as_salted_scrypt_hashes():
    stored = hash_password(PASSWORD)
    assert stored.startswith("scrypt$32768$8$1$") and PASSWORD not in stored
    assert stored != hash_password(PASSWORD)  # salted
    assert password_matches(PASSWORD, stored) and not password_matches("wrong", stored)


async def test_a_wrong_password_is_refused_without_saying_which_half_was_wrong(client, ana):
    base = client.make_url("/")
    for email, password in (("ana@shop.example", "nope"), ("nobody@shop.example", PASSWORD)):
        stranger = AgentClient(base)
        response = await stranger.post("/api/agent/login", {"email": email, "password": password})
        assert response.status == 401
        assert (await response.json())["error"] == "wrong email or password"
        assert "helpdesk_agent" not in {c.key for c in stranger.http.cookie_jar}
        await stranger.close()


async def test_login_is_rate_limited_even_for_the_right_password(client, ana):
    guesser = AgentClient(client.make_url("/"))
    try:
        for _ in range(5):
            wrong = await guesser.post(
                "/api/agent/login", {"email": "ana@shop.example", "password": "guess"}
            )
            assert wrong.status == 401
        blocked = await guesser.post(
            "/api/agent/login", {"email": "ana@shop.example", "password": PASSWORD}
        )
        assert blocked.status == 429 and int(blocked.headers["Retry-After"]) > 0
        assert "try again in" in (await blocked.json())["error"]
    finally:
        await guesser.close()


async def test_the_session_cookie_is_http_only_and_same_site(client, ana):
    response = await ana.post(
        "/api/agent/login", {"email": "ana@shop.example", "password": PASSWORD}
    )
    cookie = response.cookies["helpdesk_agent"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"


async def test_an_expired_session_is_refused(client, ana):
    client.app[CLOCK].advance(SESSION_LIFETIME + timedelta(seconds=1))
    response = await ana.get("/api/agent/queue")
    assert response.status == 401 and "expired" in (await response.json())["error"]


async def test_logged_out_and_anonymous_requests_are_refused(client, ana):
    shopper = await queued(client)
    stranger = AgentClient(client.make_url("/"))
    try:
        assert (await stranger.get("/api/agent/queue")).status == 401
        assert (
            await stranger.post(f"/api/agent/conversations/{shopper.session_id}/claim")
        ).status == 401
        assert (await ana.post("/api/agent/logout")).status == 204
        assert (await ana.get("/api/agent/me")).status == 401
    finally:
        await stranger.close()


async def test_cross_site_requests_change_nothing(client, ana):
    shopper = await queued(client)
    claim = f"/api/agent/conversations/{shopper.session_id}/claim"
    no_token = await ana.post(claim, **{"X-CSRF-Token": ""})
    assert no_token.status == 403 and "X-CSRF-Token" in (await no_token.json())["error"]
    foreign = await ana.post(claim, Origin="https://evil.example")
    assert foreign.status == 403
    cross_site = await ana.post(claim, **{"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status == 403
    socket = await ana.http.get(
        f"{ana.base_url}/api/agent/ws", headers={"Origin": "https://evil.example"}
    )
    assert socket.status == 403
    assert (await ana.queue())["queued"][0]["state"] == "queued"  # still waiting, unclaimed


async def test_another_agents_conversation_is_refused_and_unchanged(client, ana):
    await add_agent(client.app, "ben@shop.example", name="Ben")
    ben = await AgentClient.logged_in(client.make_url("/"), "ben@shop.example")
    try:
        shopper = await queued(client)
        await ana.claim(shopper.session_id)
        path = f"/api/agent/conversations/{shopper.session_id}"
        taken = await ben.post(f"{path}/claim")
        assert taken.status == 409
        assert await taken.json() == {"error": "Ana already has this conversation", "code": "taken"}
        assert (await ben.post(f"{path}/messages", {"text": "hi"})).status == 403
        assert (await ben.post(f"{path}/resolve")).status == 403
        assert (await ben.post(f"{path}/transfer", {"team": "americas"})).status == 403
        conversation = await ana.conversation(shopper.session_id)
        assert conversation["state"] == "with_agent" and conversation["agent"]["name"] == "Ana"
        assert not any(m["from"] == "agent" for m in conversation["messages"])
    finally:
        await ben.close()


async def test_replying_needs_a_claim_first(client, ana):
    shopper = await queued(client)
    response = await ana.post(
        f"/api/agent/conversations/{shopper.session_id}/messages", {"text": "hi"}
    )
    assert response.status == 409 and "claim it first" in (await response.json())["error"]


async def test_an_empty_reply_says_what_to_fix(client, ana):
    shopper = await queued(client)
    await ana.claim(shopper.session_id)
    response = await ana.post(
        f"/api/agent/conversations/{shopper.session_id}/messages", {"text": "  "}
    )
    assert response.status == 400 and "text is empty" in (await response.json())["error"]


async def test_a_chinese_shopper_and_an_english_agent_each_read_their_own_language(client):
    await add_agent(client.app, "wei@shop.example", languages=["en"], team="apac", name="Wei")
    ana = await AgentClient.logged_in(client.make_url("/"), "wei@shop.example")  # apac: Chinese
    shopper = await open_session(client, "zh")
    assert (await shopper.say("我要人工"))["state"] == "queued"
    await shopper.say("我的订单还没到")
    item = (await ana.queue())["queued"][0]
    assert (
        item["preview"] == "我的订单还没到"
        and item["preview_translation"] == "My order has not arrived yet"
    )
    await ana.claim(shopper.session_id)
    messages = (await ana.conversation(shopper.session_id))["messages"]
    complaint = next(m for m in messages if m["text"] == "我的订单还没到")
    assert complaint["translation"] == {"text": "My order has not arrived yet", "lang": "en"}
    handoff = next(
        m for m in messages if m["from"] == "bot"
    )  # the bot's words, from locales/en.yml
    assert handoff["translation"]["text"].startswith("I'm passing you to a colleague now.")

    preview = await ana.ok(
        "POST",
        f"/api/agent/conversations/{shopper.session_id}/preview",
        {"text": "I'm sorry, I'll check with the carrier now."},
    )
    assert preview == {"text": "很抱歉，我现在就联系承运商。", "lang": "zh", "translated": True}
    sent = await ana.reply(shopper.session_id, "I'm sorry, I'll check with the carrier now.")
    assert sent["translated"] is True and sent["notice"] is None
    assert sent["message"]["translation"] == {
        "text": "I'm sorry, I'll check with the carrier now.",
        "lang": "en",
    }
    assert (await shopper.transcript())[-1]["text"] == "很抱歉，我现在就联系承运商。"
    await ana.close()


async def test_an_agent_reply_with_no_translation_package_goes_as_written_and_says_so(client, ana):
    shopper = await open_session(client, "it")
    assert (await shopper.say("vorrei parlare con una persona"))["state"] == "queued"
    await ana.claim(shopper.session_id)
    sent = await ana.reply(shopper.session_id, "Your parcel is with DHL now.")
    assert sent["translated"] is False
    assert sent["notice"] == "no translation from en to it is installed; sent as written"
    assert (await shopper.transcript())[-1]["text"] == "Your parcel is with DHL now."


async def test_canned_replies_and_the_directory(client, ana):
    canned = (await ana.ok("GET", "/api/agent/canned"))["replies"]
    assert {
        "key": "canned_anything_else",
        "text": "Is there anything else I can help you with?",
    } in canned
    directory = await ana.ok("GET", "/api/agent/directory")
    assert directory["teams"] == ["eu", "americas", "apac"]
    assert [a["name"] for a in directory["agents"]] == ["Ana"]


async def test_an_english_agent_writes_to_a_spanish_shopper_in_spanish(client, ana):
    shopper = await queued(client, "una persona por favor", locale="es")
    await ana.claim(shopper.session_id)
    sent = await ana.reply(shopper.session_id, "Your refund was sent today.")
    assert sent["message"]["text"] == "Tu reembolso se envió hoy."
    assert sent["message"]["translation"] == {"text": "Your refund was sent today.", "lang": "en"}
    assert (await shopper.transcript())[-1]["text"] == "Tu reembolso se envió hoy."
