"""The chat widget on the demo shop page, in a real headless Chromium, against the real helpdesk
app with a scripted bot: sending, reloading, a cut websocket, hostile text, keyboard, RTL, 429s."""

from __future__ import annotations

import asyncio
import json
import re
import uuid

import aiohttp
import pytest

from helpdesk.rasa.client import BotMessage
from helpdesk.web.keys import EVENTS
from tests.browser.conftest import serve_demo
from tests.support.fakes import FakeBot

STORAGE = "shop-support:atelier-nord"
HOSTILE = "<img src=x onerror=window.__pwned=1;alert(1)>"
WS = re.compile(r".*/api/chat/sessions/[^/]+/ws$")


def scripted_bot() -> FakeBot:
    return FakeBot(
        {
            "hi": [BotMessage(key="utter_greet")],
            "/order_status": [BotMessage(key="utter_ask_order_number")],
            "where is my order?": [BotMessage(key="utter_ask_order_number")],
            HOSTILE: [
                BotMessage(
                    text=f'{HOSTILE} javascript:alert(2) <a href="javascript:alert(3)">x</a> '
                    "track it at https://track.example/p?id=1&x=<b>1</b>.",
                    buttons=[{"title": HOSTILE, "payload": "/order_status"}],
                )
            ],
        }
    )


@pytest.fixture
def bot() -> FakeBot:
    return scripted_bot()


@pytest.fixture
async def shop(clock, aiohttp_server, tmp_path, bot, detector, translator):
    return await serve_demo(
        aiohttp_server, tmp_path, bot, detector=detector, translator=translator, clock=clock
    )


@pytest.fixture
async def page(browser):
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = await context.new_page()
    page.dialogs = []
    page.on(
        "dialog",
        lambda dialog: (
            page.dialogs.append(dialog.message),
            asyncio.ensure_future(dialog.dismiss()),
        ),
    )
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    await context.close()


async def open_widget(page, url) -> None:
    await page.goto(str(url))
    await page.locator(".launcher").click()
    await page.locator("textarea").wait_for()


async def say(page, text: str) -> None:
    await page.locator("textarea").fill(text)
    await page.locator("textarea").press("Enter")


def bubbles(page, who: str | None = None):
    return page.locator(f".log [data-from{f'={who}' if who else ''}]")


async def texts(page, who: str | None = None) -> list[str]:
    return [t.strip() for t in await bubbles(page, who).locator(".text").all_inner_texts()]


async def stored(page) -> dict:
    return json.loads(await page.evaluate(f"localStorage.getItem({STORAGE!r})") or "{}")


async def transcript(shop, session: dict) -> list[dict]:
    async with aiohttp.ClientSession() as http:
        async with http.get(
            shop.make_url(f"/api/chat/sessions/{session['id']}/messages"),
            headers={"Authorization": f"Bearer {session['token']}"},
        ) as answer:
            return (await answer.json())["messages"]


async def test_a_conversation_shows_at_once_survives_a_reload_and_shows_button_titles(
    shop, page, screenshot_dir
):
    async def slow_network(route):
        await asyncio.sleep(1)
        await route.continue_()

    await open_widget(page, shop.make_url("/demo"))
    await page.route("**/messages", slow_network)
    await say(page, "hi")
    # Shown at once, marked as sending, with the assistant typing, before the bot has answered.
    mine = bubbles(page, "shopper").first
    await mine.wait_for()
    assert "pending" in await mine.get_attribute("class")
    assert await mine.locator(".meta").inner_text() == "Sending…"
    await page.locator(".typing").filter(has_text="Assistant is typing…").wait_for()
    greeting = bubbles(page, "bot").first
    await greeting.wait_for()
    assert (await greeting.locator(".who").inner_text()) == "Assistant"
    assert "pending" not in await mine.get_attribute("class")
    chips = page.locator(".replies button")
    assert await chips.all_inner_texts() == [
        "Where is my order?",
        "Return an item",
        "Talk to a person",
    ]
    await page.unroute("**/messages")
    await chips.first.click()
    await bubbles(page, "bot").nth(1).wait_for()
    assert await texts(page, "shopper") == [
        "hi",
        "Where is my order?",
    ]  # the title, not the payload
    await page.screenshot(path=screenshot_dir / "widget-desktop-conversation.png")

    session = (await stored(page))["session"]
    server = await transcript(shop, session)
    assert [m["text"] for m in server if m["from"] == "shopper"] == ["hi", "/order_status"]

    await page.reload()
    await bubbles(page, "bot").nth(1).wait_for()  # the panel stays open across pages
    assert (await stored(page))["session"]["id"] == session["id"]
    assert await texts(page, "shopper") == ["hi", "Where is my order?"]
    assert len(await texts(page)) == len(server)
    assert await page.locator(".replies button").count() == 0  # the last answer has no buttons


async def test_hostile_text_from_anyone_is_shown_as_text_and_nothing_runs(shop, page):
    await open_widget(page, shop.make_url("/demo"))
    await say(page, HOSTILE)
    await bubbles(page, "bot").first.wait_for()
    chip = page.locator(".replies button").first
    assert await chip.inner_text() == HOSTILE  # a button title is text too
    await chip.hover()
    await say(page, 'javascript:alert(4) see https://evil.example/x"onmouseover=alert(5)')
    await bubbles(page, "bot").nth(1).wait_for()
    # An agent whose name and text are hostile, pushed on the live socket through the app's hub.
    session = (await stored(page))["session"]
    shop.app[EVENTS].publish(
        session["id"],
        {
            "type": "message",
            "message": {
                "id": 10_000,
                "from": "agent",
                "author": HOSTILE,
                "text": f"{HOSTILE} javascript:alert(6)",
                "lang": "en",
                "buttons": [],
                "client_id": None,
                "reply_to": None,
                "kind": None,
                "created_at": "2026-01-01T00:00:00Z",
            },
        },
    )
    await bubbles(page, "agent").first.wait_for()
    for link in await page.locator(".log a").all():
        await link.hover()
    await page.wait_for_timeout(300)

    assert page.dialogs == [] and page.errors == []
    assert await page.evaluate("window.__pwned") is None
    assert await page.locator(".log img, .replies img, .log b").count() == 0
    assert HOSTILE in await texts(page, "shopper")
    assert (await texts(page, "bot"))[0].startswith(HOSTILE)
    assert await bubbles(page, "agent").locator(".who").inner_text() == HOSTILE
    links = page.locator(".log a")
    hrefs = [await link.get_attribute("href") for link in await links.all()]
    assert hrefs == ["https://track.example/p?id=1&x=", "https://evil.example/x"]  # stop at < and "
    for link in await links.all():
        assert await link.get_attribute("rel") == "noopener noreferrer"
        assert await link.get_attribute("target") == "_blank"
        assert not await link.get_attribute("onmouseover")


async def test_a_cut_socket_loses_nothing_and_doubles_nothing(shop, page):
    sockets, cut = [], asyncio.Event()

    async def through(ws):
        if cut.is_set():  # the service is unreachable: refused at once
            await ws.close(code=1006)
            return
        ws.connect_to_server()
        sockets.append(ws)

    await page.route_web_socket(WS, through)
    await open_widget(page, shop.make_url("/demo"))
    await say(page, "hi")
    await bubbles(page, "bot").first.wait_for()
    session = (await stored(page))["session"]
    assert len(sockets) == 1

    cut.set()
    for ws in sockets:
        await ws.close(code=1006)
    await page.locator(".banner").filter(has_text="Connection lost").wait_for()

    # 1. The service stores a message but its answer never reaches the page: resent, stored once.
    async def lose_the_answer(route):
        await route.fetch()
        await route.abort()

    await page.route("**/messages", lose_the_answer)
    await say(page, "where is my order?")
    await bubbles(page, "shopper").nth(1).and_(page.locator(".waiting")).wait_for()
    await page.unroute("**/messages")
    # 2. Meanwhile another tab of the same shopper writes: only the socket would have shown it.
    async with aiohttp.ClientSession() as http:
        async with http.post(
            shop.make_url(f"/api/chat/sessions/{session['id']}/messages"),
            headers={"Authorization": f"Bearer {session['token']}"},
            json={"text": "hi", "client_id": str(uuid.uuid4())},
        ) as answer:
            assert answer.status == 200
    # 3. A message typed while offline waits in the outbox.
    await page.route("**/messages", lambda route: route.abort())
    await say(page, "where is my order?")
    await page.unroute("**/messages")

    cut.clear()  # the network is back: reconnect (back-off), catch up, resend
    expected = [(m["id"], m["text"]) for m in await wait_for_transcript(shop, session, 8)]
    await page.wait_for_function(
        "n => document.querySelector('#shop-support-widget').shadowRoot"
        ".querySelectorAll('.log [data-id]').length === n",
        arg=len(expected),
        timeout=20_000,
    )
    await page.locator(".banner").wait_for(state="hidden")
    shown = [
        (int(await b.get_attribute("data-id")), (await b.locator(".text").inner_text()).strip())
        for b in await page.locator(".log [data-from]").all()
    ]
    assert shown == expected  # every message once, in order
    assert [text for _, text in expected].count("where is my order?") == 2
    assert await page.locator(".log .pending, .log .waiting").count() == 0
    assert (await stored(page))["outbox"] == []


async def wait_for_transcript(shop, session, count: int) -> list[dict]:
    for _ in range(200):
        messages = await transcript(shop, session)
        if len(messages) >= count:
            return messages
        await asyncio.sleep(0.1)
    raise AssertionError(f"the service has {len(messages)} messages, expected {count}")


async def test_keyboard_only_with_labels_for_screen_readers(shop, page):
    await page.goto(str(shop.make_url("/demo")))
    launcher = page.locator(".launcher")
    await launcher.wait_for()
    assert await launcher.get_attribute("aria-label") == "Open the chat"
    assert await launcher.get_attribute("aria-expanded") == "false"
    for _ in range(60):  # Tab through the shop's page until the launcher has the focus
        await page.keyboard.press("Tab")
        if await launcher.evaluate("el => el.getRootNode().activeElement === el"):
            break
    else:
        raise AssertionError("the launcher is not reachable with Tab")
    outline = await launcher.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"  # visible focus
    await page.keyboard.press("Enter")
    assert await launcher.get_attribute("aria-expanded") == "true"
    assert (
        await page.evaluate("document.activeElement.shadowRoot.activeElement.tagName") == "TEXTAREA"
    )
    assert await page.locator("[role=log]").get_attribute("aria-label") == "Conversation"
    assert await page.locator("[role=dialog]").get_attribute("aria-labelledby") == "title"
    for selector in ("button#send", "button#close", "button#new", "select#lang"):
        assert await page.locator(selector).get_attribute("aria-label"), selector
    await page.keyboard.type("hi")
    await page.keyboard.press("Enter")
    await page.locator(".replies button").first.wait_for()
    await page.keyboard.press("Shift+Tab")  # from the message box back to the suggested answers
    await page.keyboard.press("Shift+Tab")
    await page.keyboard.press("Shift+Tab")
    await page.keyboard.press("Enter")  # "Where is my order?"
    await bubbles(page, "bot").nth(1).wait_for()
    assert await texts(page, "shopper") == ["hi", "Where is my order?"]
    await page.keyboard.press("Escape")
    assert await launcher.get_attribute("aria-expanded") == "false"
    assert await launcher.evaluate("el => el.getRootNode().activeElement === el")


async def test_unread_count_while_closed(shop, page):
    await open_widget(page, shop.make_url("/demo"))
    await say(page, "hi")
    await bubbles(page, "bot").first.wait_for()
    await page.keyboard.press("Escape")
    session = (await stored(page))["session"]
    for number in (1, 2):
        shop.app[EVENTS].publish(
            session["id"],
            {
                "type": "message",
                "message": {
                    "id": 20_000 + number,
                    "from": "agent",
                    "author": "Ana",
                    "text": f"news {number}",
                    "lang": "en",
                    "buttons": [],
                    "client_id": None,
                    "reply_to": None,
                    "kind": None,
                    "created_at": "2026-01-01T00:00:00Z",
                },
            },
        )
    badge = page.locator(".badge")
    await page.wait_for_function(
        "() => document.querySelector('#shop-support-widget')"
        ".shadowRoot.querySelector('.badge').textContent === '2'"
    )
    assert await badge.is_visible()
    assert (
        await page.locator(".launcher").get_attribute("aria-label")
        == "Open the chat. Unread messages: 2"
    )
    await page.reload()  # the count follows the shopper across the shop
    await page.wait_for_function(
        "() => document.querySelector('#shop-support-widget')"
        ".shadowRoot.querySelector('.badge').textContent === '2'"
    )
    await page.locator(".launcher").click()
    assert await badge.is_hidden()
    assert (await stored(page))["unread"] == 0


async def test_agent_notices_state_and_rating_as_pushed_live(shop, page, screenshot_dir):
    await open_widget(page, shop.make_url("/demo"))
    await say(page, "hi")
    await bubbles(page, "bot").first.wait_for()
    session = (await stored(page))["session"]
    rated = []

    async def rating(route):
        rated.append(route.request.post_data_json)
        await route.fulfill(json={"score": 4, "comment": None})

    await page.route("**/rating", rating)
    publish = lambda event: shop.app[EVENTS].publish(session["id"], event)  # noqa: E731

    def message(number, sender, text, author=None, kind=None):
        return {
            "type": "message",
            "message": {
                "id": 30_000 + number,
                "from": sender,
                "author": author,
                "text": text,
                "lang": "en",
                "buttons": [],
                "client_id": None,
                "reply_to": None,
                "kind": kind,
                "created_at": "2026-01-01T00:00:00Z",
            },
        }

    publish({"type": "state", "state": "queued", "agent": None, "state_version": 1})
    await page.locator("#status").filter(has_text="Waiting for someone from our team…").wait_for()
    publish({"type": "state", "state": "with_agent", "agent": "Ana", "state_version": 2})
    publish(message(1, "system", "Ana has joined the chat", kind="notice"))
    publish({"type": "typing", "from": "agent", "author": "Ana"})
    await page.locator("#typing").filter(has_text="Ana is typing…").wait_for()
    publish(message(2, "agent", "Hi, I'm Ana. Let me look at your order.", author="Ana"))
    await page.locator("#typing").wait_for(state="hidden")  # her message came: no longer typing
    await page.locator("#status").filter(has_text="Ana from our team is with you").wait_for()
    await page.locator(".notice").filter(has_text="Ana has joined the chat").wait_for()
    assert await bubbles(page, "agent").locator(".who").inner_text() == "Ana"
    publish(message(3, "system", "Ana has left the chat", kind="notice"))
    publish(message(4, "system", "How did we do? Rate our help.", kind="rating_prompt"))
    publish({"type": "state", "state": "resolved", "agent": None, "state_version": 3})
    stars = page.locator(".stars button")
    await stars.first.wait_for()
    assert [await s.get_attribute("aria-label") for s in await stars.all()] == [
        "1 out of 5",
        "2 out of 5",
        "3 out of 5",
        "4 out of 5",
        "5 out of 5",
    ]
    await page.screenshot(path=screenshot_dir / "widget-desktop-agent-rating.png")
    await stars.nth(3).click()
    await page.locator(".stars").filter(has_text="Thank you for your rating!").wait_for()
    await page.get_by_label("Anything to add? (optional)").fill("Quick and kind, thanks")
    await page.get_by_role("button", name="Send comment").click()
    await page.locator(".stars").filter(has_text="Thanks, we have your comment.").wait_for()
    assert rated == [{"score": 4}, {"score": 4, "comment": "Quick and kind, thanks"}]


async def test_a_429_says_when_to_try_again_and_sends_then(shop, page):
    refused = []

    async def too_many(route):
        if route.request.method == "POST" and not refused:
            refused.append(route.request.post_data_json)
            await route.fulfill(
                status=429, headers={"Retry-After": "2"}, json={"error": "too many messages"}
            )
        else:
            await route.continue_()

    await open_widget(page, shop.make_url("/demo?lang=es"))
    await page.route("**/messages", too_many)
    await say(page, "hi")
    banner = page.locator(".banner")
    await banner.filter(has_text="Espera 2 segundos").wait_for()
    assert "waiting" in await bubbles(page, "shopper").get_attribute("class")
    await page.wait_for_timeout(1000)
    assert await bubbles(page, "bot").count() == 0  # not retried before the time given
    await bubbles(page, "bot").first.wait_for(timeout=10_000)
    await banner.wait_for(state="hidden")
    session = (await stored(page))["session"]
    shopper = [m for m in await transcript(shop, session) if m["from"] == "shopper"]
    assert [m["client_id"] for m in shopper] == [refused[0]["client_id"]]


async def test_language_from_the_page_switchable_and_right_to_left(shop, page, screenshot_dir):
    await open_widget(page, shop.make_url("/demo?lang=es"))
    assert await page.locator("textarea").get_attribute("placeholder") == "Escribe un mensaje…"
    await page.locator("select#lang").select_option("fr")
    await page.locator("#title").filter(has_text="Discutez avec nous").wait_for()
    await page.reload()  # the shopper's choice beats the page's language
    await page.locator("#title").filter(has_text="Discutez avec nous").wait_for()

    await page.evaluate(f"localStorage.removeItem({STORAGE!r})")
    await page.goto(str(shop.make_url("/demo?lang=ar")))
    await page.locator(".launcher").click()
    assert await page.locator(".panel").get_attribute("dir") == "rtl"
    assert await page.locator(".w").get_attribute("data-position") == "left"
    box = await page.locator(".panel").bounding_box()
    launcher = await page.locator(".launcher").bounding_box()
    assert box["x"] < 100 and launcher["x"] < 100  # the panel and its button on the left
    await say(page, "hi")
    await bubbles(page, "bot").first.wait_for()
    mine = await bubbles(page, "shopper").first.bounding_box()
    theirs = await bubbles(page, "bot").first.bounding_box()
    assert mine["x"] < theirs["x"]  # the shopper's words on the left, the assistant's on the right
    await page.screenshot(path=screenshot_dir / "widget-desktop-rtl.png")


async def test_a_signed_in_customer_and_a_new_conversation(shop, page):
    await open_widget(page, shop.make_url("/demo?customer=ana.garcia%40example.com"))
    await page.locator(".intro").filter(has_text="You're signed in").wait_for()
    await say(page, "hi")
    await bubbles(page, "bot").first.wait_for()
    first = (await stored(page))["session"]
    assert first["identified"] is True and first["who"] == "ana.garcia@example.com"

    await page.goto(
        str(shop.make_url("/demo"))
    )  # signed out: the chat is not shown to whoever is next
    await page.locator(".launcher").wait_for()
    assert (
        await page.evaluate(f"localStorage.getItem({STORAGE!r})") is None
        or (await stored(page)).get("session") is None
    )
    await page.locator("textarea").wait_for()  # still open, as the shopper left it, but empty
    assert await bubbles(page).count() == 0

    await say(page, "hi")
    await bubbles(page, "bot").first.wait_for()
    second = (await stored(page))["session"]
    await page.locator("button#new").click()
    assert await bubbles(page).count() == 0
    assert (
        await page.evaluate("document.activeElement.shadowRoot.activeElement.tagName") == "TEXTAREA"
    )
    await say(page, "hi")
    await bubbles(page, "bot").first.wait_for()
    third = (await stored(page))["session"]
    assert len({first["id"], second["id"], third["id"]}) == 3


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 800)], ids=["phone", "desktop"])
async def test_phone_and_desktop(shop, browser, screenshot_dir, viewport):
    width, height = viewport
    context = await browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=2 if width < 500 else 1,
        is_mobile=width < 500,
        has_touch=width < 500,
    )
    page = await context.new_page()
    try:
        await page.goto(str(shop.make_url("/demo")))
        await page.locator(".launcher").wait_for()
        name = "phone" if width < 500 else "desktop"
        await page.screenshot(path=screenshot_dir / f"widget-{name}-closed.png")
        await page.locator(".launcher").click()
        await say(page, "hi")
        await page.locator(".replies button").first.wait_for()
        panel = await page.locator(".panel").bounding_box()
        if width < 500:  # the whole screen, as a phone chat should be
            assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (
                0,
                0,
                width,
                height,
            )
        else:
            assert panel["width"] == 380 and panel["x"] + panel["width"] <= width - 20
        send = await page.locator("button#send").bounding_box()
        assert send["width"] >= 40 and send["height"] >= 40  # a finger-sized target
        await page.screenshot(path=screenshot_dir / f"widget-{name}-open.png")
    finally:
        await context.close()


async def test_a_language_picked_in_the_panel_is_the_language_of_the_answers(shop, page):
    from helpdesk.languages.locales import Locales
    from helpdesk.settings import PROJECT_ROOT

    spanish = Locales.load(PROJECT_ROOT / "locales").render("utter_ask_order_number", "es").text
    await open_widget(page, shop.make_url("/demo"))
    await say(page, "hi")
    await page.locator(".replies button").first.wait_for()
    await page.locator("select#lang").select_option("es")
    await page.locator("textarea[placeholder='Escribe un mensaje…']").wait_for()
    await page.locator(".replies button").first.click()  # "Where is my order?" -> /order_status
    await bubbles(page, "bot").filter(has_text=spanish).wait_for()
