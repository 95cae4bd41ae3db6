"""The agent workspace in a real headless Chromium, with shoppers on the chat API at the same time."""

from __future__ import annotations

import asyncio
import json

import pytest
from playwright.async_api import expect
from sqlmodel import select

from helpdesk.agents.accounts import create_agent
from helpdesk.app import create_app
from helpdesk.database import DB
from helpdesk.languages.letters import as_meant
from helpdesk.orders.demo import load_demo_shop
from helpdesk.orders.models import Order, VerificationAttempt
from helpdesk.policies.watch import POLICIES
from helpdesk.rasa.client import BotMessage
from helpdesk.settings import Settings
from helpdesk.web.keys import CLOCK
from tests.conftest import open_session
from tests.support.fakes import FakeBot, FakeEngine

LAPTOP = {"width": 1366, "height": 768}
PASSWORD = "correct horse battery staple"
XSS = "<img src=x onerror=alert(1)>"
WHERE_ZH, WHERE_EN = "我的订单在哪里？", "Where's my order?"
REPLY, REPLY_ZH = (
    "Your parcel left our warehouse this morning.",
    "您的包裹今天早上已从我们的仓库发出。",
)
CANNED = "Let me check that for you, it will only take a minute."
CANNED_ZH = "我帮您查一下，只需要一分钟。"
HANDOFF = [BotMessage(key="utter_handoff"), BotMessage(escalate={"reason": "human_handoff"})]


@pytest.fixture
def settings(tmp_path, port) -> Settings:
    # The page's origin must be the service's own: the agent API refuses other origins.
    return Settings(
        environment="test",
        var_dir=tmp_path,
        rasa_url="http://127.0.0.1:9",
        rasa_callbacks_port=0,
        bot_startup_grace_seconds=5,
        port=port,
        # This shop reads Chinese through translation: its fake bot knows English only.
        nlu_languages="en,es,pt,fr,de,it",
    )


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine(
        {
            # The bot's side translates the letters as meant ("？" read as "?"), the agent's
            # side the message as written.
            ("zh", "en"): {WHERE_ZH: WHERE_EN, as_meant(WHERE_ZH): WHERE_EN},
            ("en", "zh"): {REPLY: REPLY_ZH, CANNED: CANNED_ZH},
        }
    )


@pytest.fixture
async def server(clock, aiohttp_server, settings, detector, translator, port):
    bot = FakeBot({WHERE_EN: HANDOFF, "a person please": HANDOFF, XSS: HANDOFF})
    return await aiohttp_server(
        create_app(settings, bot=bot, detector=detector, translator=translator, clock=clock),
        port=port,
    )


@pytest.fixture
async def shop(aiohttp_client, server):
    """The shopper's side: the chat API, as the widget uses it."""
    return await aiohttp_client(server)


async def verified_order(server, conversation_id: str) -> Order:
    """The example shop, and the shopper proved to own Li Wei's first order (as the bot records it)."""
    async with server.app[DB].session() as session:
        await load_demo_shop(
            session, server.app[POLICIES].policies, today=server.app[CLOCK].today()
        )
        order = (
            await session.exec(
                select(Order).where(Order.email == "li.wei@example.com").order_by(Order.number)
            )
        ).first()
        session.add(
            VerificationAttempt(
                conversation_id=conversation_id,
                order_number=order.number,
                method="email",
                succeeded=True,
                email=order.email,
            )
        )
        await session.commit()
        return order


async def add_agent(server, email: str, name: str, **options):
    """An agent; admin unless said otherwise, since which team gets an English shopper depends
    on the hour (the team at work now) and admins see every team's queue."""
    async with server.app[DB].session() as session:
        return await create_agent(
            session,
            email=email,
            name=name,
            password=PASSWORD,
            **{"languages": ["en"], "role": "admin", **options},
        )


class ShopperSocket:
    """The shopper's websocket, every frame kept."""

    def __init__(self, socket) -> None:
        self.socket, self.frames = socket, []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for frame in self.socket:
            self.frames.append(json.loads(frame.data))

    def messages(self) -> list[dict]:
        return [f["message"] for f in self.frames if f["type"] == "message"]

    async def wait_for(self, predicate, what: str) -> dict:
        for _ in range(200):
            found = [frame for frame in self.frames if predicate(frame)]
            if found:
                return found[0]
            await asyncio.sleep(0.05)
        raise AssertionError(f"the shopper never got {what}; got {self.frames}")

    async def close(self) -> None:
        await self.socket.close()
        await asyncio.gather(self._reader, return_exceptions=True)


async def shopper_escalating(shop, text: str, locale: str = "en"):
    shopper = await open_session(shop, locale)
    socket = ShopperSocket(await shopper.socket())
    reply = await shopper.say(text)
    assert reply["state"] == "queued", reply
    return shopper, socket


class Agent:
    """One agent's browser tab, watching for script dialogs and errors."""

    def __init__(self, page) -> None:
        self.page, self.dialogs, self.errors = page, [], []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        asyncio.ensure_future(dialog.dismiss())

    def assert_nothing_ran(self) -> None:
        assert self.dialogs == [], "a script dialog opened: something executed"
        assert self.errors == []


@pytest.fixture
async def open_workspace(browser, server, shop):
    """Opens /agent in a new browser context. Set up after `shop` so that it is torn down before
    it: the test client closes the server, and an agent socket still open would hold that up."""
    contexts = []

    async def open_tab(*, locale: str = "en-GB", live: bool = True) -> Agent:
        context = await browser.new_context(viewport=LAPTOP, locale=locale)
        contexts.append(context)
        page = await context.new_page()
        if not live:  # this tab misses every live event, like a laptop whose socket just dropped
            await page.route_web_socket("**/api/agent/ws", lambda socket: None)
        agent = Agent(page)
        await page.goto(str(server.make_url("/agent")))
        await expect(page.locator("#login-email")).to_be_focused()
        return agent

    yield open_tab
    for context in contexts:
        await context.close()


async def log_in(agent: Agent, email: str) -> None:
    page = agent.page
    await page.fill("#login-email", email)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#workspace")).to_be_visible()


async def test_an_agent_takes_a_chinese_shopper_from_arrival_to_rating_by_keyboard(
    open_workspace, server, shop, screenshot_dir
):
    # Chinese goes to the apac team whatever the hour: its agent, who reads English, has it.
    await add_agent(server, "ana@shop.example", "Ana", role="agent", team="apac")
    agent = await open_workspace()
    page = agent.page
    await page.screenshot(path=screenshot_dir / "workspace-login.png")
    await page.keyboard.type("ana@shop.example")
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.locator("#queued-empty")).to_be_visible()
    await expect(page.locator("#live")).to_have_text("Live")

    shopper, shopper_socket = await shopper_escalating(shop, WHERE_ZH, locale="zh")
    order = await verified_order(server, shopper.session_id)

    arrival = page.locator("#queued .item")
    await expect(arrival).to_have_count(1)
    await expect(arrival).to_contain_text(WHERE_EN)  # the preview, in the agent's language
    await expect(arrival).to_contain_text(WHERE_ZH)  # and as the shopper wrote it
    await expect(page.locator(".toast")).to_contain_text(f"New conversation waiting: {WHERE_EN}")
    assert (await page.title()).startswith("(1) ")
    await page.screenshot(path=screenshot_dir / "workspace-queue.png")

    await page.keyboard.press("j")
    await expect(arrival).to_be_focused()
    await page.keyboard.press("Enter")
    messages = page.locator("#messages")
    shopper_said = messages.locator(".from-shopper").first
    await expect(shopper_said.locator(".original")).to_have_text(WHERE_ZH)
    await expect(shopper_said.locator(".translation")).to_contain_text(WHERE_EN)
    await expect(shopper_said).to_contain_text("Original (Chinese)")
    await expect(page.locator("#claim")).to_be_focused()
    await expect(page.locator("#context")).to_contain_text("talking to a person")  # the reason
    await expect(page.locator("#context")).to_contain_text(f"Verified for orders{order.number}")
    await expect(page.locator("#context")).to_contain_text(f"#{order.number}")

    await page.keyboard.press("c")
    await expect(page.locator("#conversation-state")).to_contain_text("With Ana")
    await expect(page.locator("#reply")).to_be_focused()
    await shopper_socket.wait_for(
        lambda f: f["type"] == "state" and f["state"] == "with_agent", "the with_agent state"
    )
    await expect(page.locator("#mine .item")).to_have_count(1)
    await expect(page.locator("#capacity")).to_have_text("1 of 3 conversations")

    await page.keyboard.type(REPLY)
    await shopper_socket.wait_for(
        lambda f: f == {"type": "typing", "from": "agent", "author": "Ana"}, "'Ana is typing'"
    )
    await expect(page.locator("#preview")).to_contain_text(
        f"The shopper will read (Chinese): {REPLY_ZH}"
    )
    await page.keyboard.press("Control+Enter")
    sent = messages.locator(".from-agent").last
    await expect(sent.locator(".text")).to_have_text(REPLY)
    await expect(sent).to_contain_text(REPLY_ZH)
    await expect(page.locator("#reply")).to_have_value("")
    got = await shopper_socket.wait_for(
        lambda f: f["type"] == "message" and f["message"]["from"] == "agent", "the agent's reply"
    )
    assert got["message"]["text"] == REPLY_ZH
    assert got["message"]["author"] == "Ana"

    # An internal note: n, write, Ctrl+Enter; the shopper never sees it.
    await page.keyboard.press("Escape")
    await page.keyboard.press("n")
    await expect(page.locator("#composer")).to_have_class("composer internal")
    await page.keyboard.type("Checked the carrier: parcel scanned in Leipzig.")
    await page.keyboard.press("Control+Enter")
    await expect(messages.locator(".internal")).to_contain_text("parcel scanned in Leipzig")

    # A canned reply from locales/, previewed in Chinese before it goes.
    await page.keyboard.press("Escape")
    await page.keyboard.press("r")
    await page.locator("#canned").select_option(label=CANNED)
    await expect(page.locator("#reply")).to_have_value(CANNED)
    await expect(page.locator("#preview")).to_contain_text(CANNED_ZH)
    await page.screenshot(path=screenshot_dir / "workspace-conversation.png")
    await page.keyboard.press("Control+Enter")
    await shopper_socket.wait_for(
        lambda f: f["type"] == "message" and f["message"]["text"] == CANNED_ZH, "the canned reply"
    )

    await page.keyboard.press("Escape")
    await page.keyboard.press("e")
    await expect(page.locator("#conversation-state")).to_contain_text("Resolved")
    await expect(page.locator("#composer")).to_be_hidden()
    await shopper_socket.wait_for(
        lambda f: f["type"] == "message" and f["message"].get("kind") == "rating_prompt",
        "the rating prompt",
    )
    assert not any("Leipzig" in m["text"] for m in shopper_socket.messages())
    assert not any("Leipzig" in m["text"] for m in await shopper.transcript())
    await expect(page.locator("#mine .item")).to_have_count(0)
    agent.assert_nothing_ran()
    await shopper_socket.close()


async def test_markup_from_a_shopper_shows_as_text_and_never_runs(
    open_workspace, server, shop, screenshot_dir
):
    await add_agent(server, "eve@shop.example", f"Eve {XSS}")
    _, shopper_socket = await shopper_escalating(shop, XSS)
    agent = await open_workspace()
    page = agent.page
    await log_in(agent, "eve@shop.example")
    await expect(page.locator("#agent-name")).to_have_text(f"Eve {XSS}")
    item = page.locator("#queued .item")
    await expect(item).to_contain_text(XSS)
    await item.click()
    await expect(page.locator("#messages .from-shopper .text")).to_have_text(XSS)
    await page.click("#claim")
    await page.fill("#reply", f"You wrote {XSS}")
    await page.keyboard.press("Control+Enter")
    await expect(page.locator("#messages .from-agent .text")).to_have_text(f"You wrote {XSS}")
    await page.wait_for_timeout(300)  # an injected onerror would have fired by now
    assert await page.locator("img").count() == 0
    await page.screenshot(path=screenshot_dir / "workspace-escaped.png")
    agent.assert_nothing_ran()
    await shopper_socket.close()


async def test_a_second_agents_claim_says_another_agent_has_it(
    open_workspace, server, shop, screenshot_dir
):
    await add_agent(server, "ana@shop.example", "Ana")
    await add_agent(server, "bo@shop.example", "Bo")
    _, shopper_socket = await shopper_escalating(shop, "a person please")
    ana = await open_workspace()
    bo = await open_workspace(live=False)
    for agent, email in ((ana, "ana@shop.example"), (bo, "bo@shop.example")):
        await log_in(agent, email)
        await agent.page.click("#queued .item")
        await expect(agent.page.locator("#claim")).to_be_enabled()

    await ana.page.keyboard.press("c")
    await expect(ana.page.locator("#conversation-state")).to_contain_text("With Ana")
    await bo.page.keyboard.press("c")  # Bo's tab never heard about Ana's claim

    error = bo.page.locator("#error")
    await expect(error).to_have_text("Another agent already has this conversation.")
    await expect(bo.page.locator("#conversation-state")).to_contain_text("With Ana")
    await expect(bo.page.locator("#claim")).to_be_hidden()
    await expect(bo.page.locator("#composer")).to_be_hidden()
    await bo.page.screenshot(path=screenshot_dir / "workspace-taken.png")
    ana.assert_nothing_ran()
    bo.assert_nothing_ran()
    await shopper_socket.close()


async def test_an_expired_session_goes_back_to_login_and_keeps_the_draft(
    open_workspace, server, shop
):
    await add_agent(server, "ana@shop.example", "Ana")
    _, shopper_socket = await shopper_escalating(shop, "a person please")
    agent = await open_workspace()
    page = agent.page
    await log_in(agent, "ana@shop.example")
    await page.click("#queued .item")
    await page.click("#claim")
    draft = "Half-written answer about the refund that must not be lost"
    await page.fill("#reply", draft)

    await page.context.clear_cookies()  # the session is gone, as after 12 hours
    await page.keyboard.press("Control+Enter")
    await expect(page.locator("#login-error")).to_have_text(
        "Your session has expired. Log in again: your draft is kept."
    )
    await log_in(agent, "ana@shop.example")
    await expect(page.locator("#conversation-state")).to_contain_text("With Ana")
    await expect(page.locator("#reply")).to_have_value(draft)
    await page.locator("#reply").press("Control+Enter")
    await shopper_socket.wait_for(
        lambda f: f["type"] == "message" and f["message"]["text"] == draft,
        "the draft, sent after logging in again",
    )
    agent.assert_nothing_ran()
    await shopper_socket.close()


async def test_at_capacity_claiming_is_disabled_with_the_reason_in_the_agents_language(
    open_workspace, server, shop, screenshot_dir
):
    await add_agent(server, "lu@shop.example", "Lucía", languages=["es", "en"], capacity=1)
    sockets = [(await shopper_escalating(shop, "a person please"))[1] for _ in range(2)]
    agent = await open_workspace()
    page = agent.page
    await log_in(agent, "lu@shop.example")
    await expect(page.locator("#queue-heading")).to_have_text("Cola")
    await page.locator("#queued .item").first.click()
    await page.click("#claim")
    await expect(page.locator("#capacity")).to_have_text("1 de 1 conversaciones")

    await page.locator("#queued .item").first.click()
    await expect(page.locator("#claim")).to_be_disabled()
    reason = "Has llegado a tu capacidad (1 conversaciones)."
    await expect(page.locator("#claim-reason")).to_contain_text(reason)
    await expect(page.locator("#capacity-reason")).to_contain_text(reason)
    await page.screenshot(path=screenshot_dir / "workspace-capacity.png")
    agent.assert_nothing_ran()
    for shopper_socket in sockets:
        await shopper_socket.close()


async def test_the_login_form_speaks_the_browsers_language_and_says_what_went_wrong(
    open_workspace, server
):
    await add_agent(server, "ana@shop.example", "Ana")
    agent = await open_workspace(locale="fr-FR")
    page = agent.page
    await expect(page.locator("h1").first).to_have_text(
        "Connectez-vous à l'espace du service client"
    )
    await page.fill("#login-email", "ana@shop.example")
    await page.fill("#login-password", "not the password")
    await page.click("#login-submit")
    await expect(page.locator("#login-error")).to_have_text(
        "Adresse e-mail ou mot de passe incorrect."
    )
    await expect(page.locator("#workspace")).to_be_hidden()
    agent.assert_nothing_ran()


async def test_the_help_lists_the_shortcuts(open_workspace, server):
    await add_agent(server, "ana@shop.example", "Ana")
    agent = await open_workspace()
    await log_in(agent, "ana@shop.example")
    await agent.page.keyboard.press("?")
    help_dialog = agent.page.locator("#help")
    await expect(help_dialog).to_be_visible()
    await expect(help_dialog).to_contain_text("Claim the open conversation")
    await agent.page.keyboard.press("Escape")
    await expect(help_dialog).to_be_hidden()


async def test_transfer_to_a_colleague_from_the_keyboard(open_workspace, server, shop):
    await add_agent(server, "ana@shop.example", "Ana")
    await add_agent(server, "bo@shop.example", "Bo", role="agent", languages=["en", "pt"])
    _, shopper_socket = await shopper_escalating(shop, "a person please")
    agent = await open_workspace()
    page = agent.page
    await log_in(agent, "ana@shop.example")
    await expect(page.locator("#queued .item")).to_have_count(1)
    await page.keyboard.press("j")
    await page.keyboard.press("Enter")
    await expect(page.locator("#claim")).to_be_focused()
    await page.keyboard.press("c")
    await expect(page.locator("#conversation-state")).to_contain_text("With Ana")
    await page.keyboard.press("Escape")
    await page.keyboard.press("t")
    await expect(page.locator("#transfer-target")).to_be_focused()
    await page.locator("#transfer-target").select_option(label="Bo (eu; en, pt)")
    await page.fill("#transfer-note", "Asked for Portuguese")
    await page.locator("#transfer-dialog button[value=transfer]").click()
    await expect(page.locator("#conversation-state")).to_contain_text("With Bo")
    await expect(page.locator("#mine .item")).to_have_count(0)
    await expect(page.locator("#composer")).to_be_hidden()
    agent.assert_nothing_ran()
    await shopper_socket.close()
