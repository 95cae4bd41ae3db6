"""The hand-over as shoppers and agents live it: queue, claim, reply, resolve, the bot's silence,
routing by language, priority, capacity, support hours and transfers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpdesk.app import create_app
from helpdesk.clock import SetClock
from helpdesk.policies import load_policies
from helpdesk.policies.support import availability
from helpdesk.rasa.client import BotMessage
from helpdesk.web.keys import CLOCK
from tests.conftest import open_session
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support
from tests.support.fakes import FakeBot
from tests.support.instants import INSTANTS, WEEKDAY_MORNING_IN_AMSTERDAM, team_for

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
HANDOFF = [
    BotMessage(key="utter_handoff"),
    BotMessage(escalate={"reason": "human_handoff", "intents": ["human_handoff"]}),
]
COMPLAINT = [
    BotMessage(key="utter_handoff"),
    BotMessage(escalate={"reason": "human_handoff", "intents": ["complaint", "human_handoff"]}),
]


@pytest.fixture
def bot() -> FakeBot:
    return FakeBot(
        {
            "a person please": HANDOFF,
            "una persona por favor": HANDOFF,
            "quero falar com uma pessoa": HANDOFF,
            "[en] 我要找人工客服": HANDOFF,  # what the fake engine makes of it for the bot
            "this is a disgrace, get me a person": COMPLAINT,
            "hi": [BotMessage(key="utter_greet")],
        }
    )


async def desk(aiohttp_client, settings, bot, detector, translator, tmp_path, **hours):
    settings.policies_dir = policies_with_support(tmp_path / "policies", **hours)
    app = create_app(
        settings,
        bot=bot,
        detector=detector,
        translator=translator,
        clock=SetClock(WEEKDAY_MORNING_IN_AMSTERDAM),
    )
    return await aiohttp_client(app)


@pytest.fixture
async def client(aiohttp_client, settings, bot, detector, translator, tmp_path):
    return await desk(aiohttp_client, settings, bot, detector, translator, tmp_path)


@pytest.fixture
async def ana(client):
    await add_agent(client.app, "ana@shop.example", languages=["en", "es"], name="Ana")
    agent = await AgentClient.logged_in(client.make_url("/"), "ana@shop.example")
    yield agent
    await agent.close()


async def waiting_shopper(client, text="a person please", locale="en"):
    shopper = await open_session(client, locale)
    answer = await shopper.say(text)
    assert answer["state"] == "queued", answer
    return shopper


async def test_an_escalation_waits_in_the_queue_with_its_summary(client, ana):
    shopper = await waiting_shopper(client)
    [item] = (await ana.queue())["queued"]
    assert item["id"] == shopper.session_id and item["team"] == "eu"
    assert item["preview"] == "a person please" and item["priority"] == "normal"
    conversation = await ana.conversation(shopper.session_id)
    assert conversation["summary"]["reason"] == "human_handoff"
    assert [m["from"] for m in conversation["messages"]] == ["shopper", "bot"]


async def test_the_bot_is_silent_while_queued_and_with_an_agent(client, ana, bot):
    shopper = await waiting_shopper(client)
    assert (await shopper.say("hello?"))["messages"] == []
    await ana.claim(shopper.session_id)
    assert (await shopper.say("are you there?"))["messages"] == []
    assert bot.texts() == ["a person please"]
    seen = [m["text"] for m in (await ana.conversation(shopper.session_id))["messages"]]
    assert "hello?" in seen and "are you there?" in seen


async def test_escalating_twice_is_escalating_once(client, ana, bot):
    shopper = await open_session(client, "en")
    bot.script["again please"] = HANDOFF
    await shopper.say("a person please")
    first = (await ana.queue())["queued"][0]["queued_at"]
    await shopper.say("again please")  # the bot is silent: it never even sees this one
    queue = await ana.queue()
    assert len(queue["queued"]) == 1 and queue["queued"][0]["queued_at"] == first


async def test_claim_reply_resolve_then_the_bot_answers_again(client, ana, bot):
    shopper = await waiting_shopper(client)
    claimed = await ana.claim(shopper.session_id)
    assert claimed["state"] == "with_agent" and claimed["agent"]["name"] == "Ana"
    await ana.reply(shopper.session_id, "Hello, I'm looking at your order now.")
    await ana.reply(shopper.session_id, "customer sounds upset, be gentle", internal=True)
    resolved = await ana.resolve(shopper.session_id)
    assert resolved["state"] == "resolved"

    seen = await shopper.transcript()
    texts = [m["text"] for m in seen]
    assert "Ana from our team has joined the chat." in texts
    agent_said = next(m for m in seen if m["from"] == "agent")
    assert (
        agent_said["text"] == "Hello, I'm looking at your order now."
        and agent_said["author"] == "Ana"
    )
    assert not any("upset" in text for text in texts)  # internal notes never reach the shopper
    assert seen[-2]["text"] == "Ana has left the chat. Just write if you need anything else."
    assert seen[-1]["kind"] == "rating_prompt"

    answer = await shopper.say("hi")
    assert answer["state"] == "bot" and answer["messages"][0]["from"] == "bot"
    assert bot.texts() == ["a person please", "hi"]
    assert (await ana.queue())["mine"] == []


async def test_the_shopper_rates_the_help_after_resolution(client, ana):
    shopper = await waiting_shopper(client)
    url = f"/api/chat/sessions/{shopper.session_id}/rating"
    early = await client.post(url, headers=shopper.auth, json={"score": 5})
    assert early.status == 409
    await ana.claim(shopper.session_id)
    await ana.resolve(shopper.session_id)
    bad = await client.post(url, headers=shopper.auth, json={"score": 9})
    assert bad.status == 400 and "score" in (await bad.json())["error"]
    rated = await client.post(
        url, headers=shopper.auth, json={"score": 4, "comment": "quick, thanks"}
    )
    assert rated.status == 200
    assert (await ana.conversation(shopper.session_id))["rating"] == {
        "score": 4,
        "comment": "quick, thanks",
    }


async def test_queue_is_first_come_first_served_and_complaints_go_first(client, ana):
    first = await waiting_shopper(client)
    second = await waiting_shopper(client)
    angry = await waiting_shopper(client, "this is a disgrace, get me a person")
    order = [item["id"] for item in (await ana.queue())["queued"]]
    assert order == [angry.session_id, first.session_id, second.session_id]


async def test_routing_by_language_to_the_team_that_speaks_it(client, ana):
    await add_agent(client.app, "joao@shop.example", languages=["pt"], team="americas")
    await add_agent(client.app, "boss@shop.example", languages=["en"], role="admin")
    joao = await AgentClient.logged_in(client.make_url("/"), "joao@shop.example")
    boss = await AgentClient.logged_in(client.make_url("/"), "boss@shop.example")
    try:
        brazilian = await waiting_shopper(client, "quero falar com uma pessoa", locale="pt-BR")
        chinese = await waiting_shopper(client, "我要找人工客服", locale="zh")
        assert [i["id"] for i in (await joao.queue())["queued"]] == [brazilian.session_id]
        assert (await ana.queue())["queued"] == []  # eu: neither Portuguese nor Chinese
        assert {i["id"] for i in (await boss.queue())["queued"]} == {
            brazilian.session_id,
            chinese.session_id,
        }
        assert (await boss.conversation(chinese.session_id))["team"] == "apac"
    finally:
        await joao.close()
        await boss.close()


async def test_an_agent_at_capacity_gets_nothing_new(client):
    await add_agent(client.app, "solo@shop.example", capacity=1)
    solo = await AgentClient.logged_in(client.make_url("/"), "solo@shop.example")
    try:
        one, two = await waiting_shopper(client), await waiting_shopper(client)
        await solo.claim(one.session_id)
        assert (await solo.queue())["at_capacity"] is True
        refused = await solo.post(f"/api/agent/conversations/{two.session_id}/claim")
        body = await refused.json()
        assert (
            refused.status == 409
            and "capacity of 1" in body["error"]
            and body["code"] == "at_capacity"
        )
        assert (await solo.queue())["queued"][0]["state"] == "queued"
        await solo.resolve(one.session_id)
        await solo.claim(two.session_id)
    finally:
        await solo.close()


async def test_outside_support_hours_the_shopper_is_told_when_and_may_leave_an_email(
    aiohttp_client, settings, bot, detector, translator, tmp_path
):
    client = await desk(
        aiohttp_client,
        settings,
        bot,
        detector,
        translator,
        tmp_path,
        eu_hours={"monday": "09:00-17:00"},
    )
    await add_agent(client.app, "ana@shop.example")
    ana = await AgentClient.logged_in(client.make_url("/"), "ana@shop.example")
    try:
        shopper = await open_session(client, "en")
        answer = await shopper.say("a person please")
        away = answer["messages"][-1]
        assert away["kind"] == "notice" and "Our team is away right now" in away["text"]
        assert "Mon" in away["text"] and "09:00" in away["text"]
        saved = await shopper.say("please write to me at lena@example.com")
        assert saved["messages"][0]["text"].startswith("Thank you. We'll write to lena@example.com")
        [item] = (await ana.queue())["queued"]
        assert item["outside_hours"] is True and item["contact_email"] == "lena@example.com"
    finally:
        await ana.close()


async def test_a_conversation_waiting_too_long_is_flagged(client, ana):
    await waiting_shopper(client)
    assert (await ana.queue())["queued"][0]["waiting_too_long"] is False
    client.app[CLOCK].advance(timedelta(minutes=11))  # support.yml: 10 minutes
    assert (await ana.queue())["queued"][0]["waiting_too_long"] is True


async def test_transfer_to_another_team_and_to_a_colleague(client, ana):
    await add_agent(
        client.app, "joao@shop.example", languages=["pt", "en"], team="americas", name="João"
    )
    joao = await AgentClient.logged_in(client.make_url("/"), "joao@shop.example")
    try:
        shopper = await waiting_shopper(client)
        await ana.claim(shopper.session_id)
        moved = await ana.ok(
            "POST",
            f"/api/agent/conversations/{shopper.session_id}/transfer",
            {"team": "americas", "note": "asks about a Brazilian order"},
        )
        assert moved["state"] == "queued" and moved["team"] == "americas"
        assert [i["id"] for i in (await joao.queue())["queued"]] == [shopper.session_id]
        await joao.claim(shopper.session_id)
        back = await joao.ok(
            "POST",
            f"/api/agent/conversations/{shopper.session_id}/transfer",
            {"agent_id": (await ana.ok("GET", "/api/agent/me"))["agent"]["id"]},
        )
        assert back["state"] == "with_agent" and back["agent"]["name"] == "Ana"
        notes = [
            m["text"]
            for m in (await ana.conversation(shopper.session_id))["messages"]
            if m["internal"]
        ]
        assert (
            notes[0]
            == "Ana transferred this conversation to team americas. asks about a Brazilian order"
        )
        texts = [m["text"] for m in await shopper.transcript()]
        assert "João from our team has joined the chat." in texts
        assert not any("Brazilian order" in text for text in texts)
        bad = await ana.post(
            f"/api/agent/conversations/{shopper.session_id}/transfer", {"team": "mars"}
        )
        assert bad.status == 400 and "americas" in (await bad.json())["error"]
    finally:
        await joao.close()


async def test_the_shopper_hears_each_step_live_on_the_websocket(client, ana):
    shopper = await waiting_shopper(client)
    socket = await shopper.socket()
    await ana.claim(shopper.session_id)
    await ana.reply(shopper.session_id, "Hi, Ana here.")
    await ana.resolve(shopper.session_id)
    events = [await socket.receive_json(timeout=5) for _ in range(6)]
    await socket.close()
    kinds = [(e["type"], e.get("state") or e.get("message", {}).get("from")) for e in events]
    assert kinds == [
        ("message", "system"),
        ("state", "with_agent"),
        ("message", "agent"),
        ("message", "system"),
        ("message", "system"),
        ("state", "resolved"),
    ]
    assert events[1]["agent"] == "Ana" and events[4]["message"]["kind"] == "rating_prompt"


async def test_agents_see_escalations_arrive_live(client, ana):
    socket = await ana.socket()
    shopper = await waiting_shopper(client)
    received = [await socket.receive_json(timeout=5) for _ in range(2)]
    await socket.close()
    queued = next(e for e in received if e["type"] == "queue")
    assert queued["item"]["id"] == shopper.session_id and queued["item"]["state"] == "queued"
    assert {e["message"]["from"] for e in received if e["type"] == "message"} == {"bot"}


def test_late_orders_complaints_and_always_human_topics_jump_the_queue():
    from helpdesk.chat.handover import priority_of
    from helpdesk.chat.models import Priority
    from helpdesk.policies import load_policies
    from helpdesk.settings import PROJECT_ROOT

    support = load_policies(PROJECT_ROOT / "policies").support
    assert (
        priority_of({"reason": "human_handoff", "intents": ["greet"]}, support) == Priority.NORMAL
    )
    assert (
        priority_of({"reason": "human_handoff", "bot_said": ["utter_order_delayed"]}, support)
        == Priority.HIGH
    )
    assert (
        priority_of({"reason": "human_handoff", "intents": ["complaint"]}, support) == Priority.HIGH
    )
    assert (
        priority_of({"reason": "chargeback"}, support) == Priority.HIGH
    )  # support.yml: always_human


async def test_the_shopper_sees_the_agent_typing(client, ana):
    shopper = await waiting_shopper(client)
    await ana.claim(shopper.session_id)
    socket = await shopper.socket()
    response = await ana.post(f"/api/agent/conversations/{shopper.session_id}/typing")
    assert response.status == 204
    assert await socket.receive_json(timeout=5) == {
        "type": "typing",
        "from": "agent",
        "author": "Ana",
    }
    await socket.close()


@pytest.mark.parametrize("instant", INSTANTS.values(), ids=INSTANTS.keys())
@pytest.mark.parametrize(
    "lang, text",
    [("es", "una persona por favor"), ("en", "a person please"), ("pt", "uma pessoa por favor")],
)
async def test_the_shops_own_hours_route_every_hour_of_the_week(
    aiohttp_client, settings, detector, translator, clock, instant, lang, text
):
    """policies/support.yml as shipped, at a weekday morning, a Friday evening, a Sunday and a
    holiday: the shopper goes to the team at work, or is told when the next one opens."""
    bot = FakeBot({text: HANDOFF})
    client = await aiohttp_client(
        create_app(settings, bot=bot, detector=detector, translator=translator, clock=clock)
    )
    team = team_for(lang, instant)
    await add_agent(client.app, "agent@shop.example", team=team, languages=[lang, "en"])
    agent = await AgentClient.logged_in(client.make_url("/"), "agent@shop.example")
    try:
        shopper = await open_session(client, lang)
        answer = await shopper.say(text)
        [item] = (await agent.queue())["queued"]
        assert item["team"] == team
        support = load_policies(settings.policies_dir).support
        at_work = availability(support, instant, team=team).open
        assert item["outside_hours"] is not at_work
        told_when = any(m["kind"] == "notice" for m in answer["messages"])
        assert told_when is not at_work
    finally:
        await agent.close()
