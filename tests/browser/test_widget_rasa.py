"""The widget on the demo shop against the real trained bot (Rasa) and a real agent: a Spanish
order question on a phone and a desktop, a reload, a cut socket, and a hand-over to a person."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from tests.support.agent_clients import AgentClient, add_agent
from tests.support.instants import INSTANTS, team_for

pytestmark = [pytest.mark.rasa]

STORAGE = "shop-support:atelier-nord"
WS = re.compile(r".*/api/chat/sessions/[^/]+/ws$")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
async def shop(helpdesk_factory, rasa, monkeypatch):
    # The page is served on the port Rasa calls back: that origin may open the websocket.
    monkeypatch.setenv("ALLOWED_ORIGINS", f"http://127.0.0.1:{rasa.helpdesk_port}")
    return await helpdesk_factory()


async def new_page(browser, viewport: str):
    phone = viewport == "phone"
    context = await browser.new_context(
        viewport=VIEWPORTS[viewport],
        locale="es-ES",
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
    )
    page = await context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return context, page


async def say(page, text: str, answers: int) -> str:
    """Write `text`; wait until the conversation shows `answers` answers; the last one's text."""
    await page.locator("textarea").fill(text)
    await page.locator("textarea").press("Enter")
    answer = page.locator(".log [data-from=bot], .log [data-from=system], .log [data-from=agent]")
    await answer.nth(answers - 1).wait_for(timeout=60_000)
    return (await answer.nth(answers - 1).locator(".text").inner_text()).strip()


async def shown(page) -> list[tuple[str, str]]:
    return [
        (await b.get_attribute("data-from"), (await b.locator(".text").inner_text()).strip())
        for b in await page.locator(".log [data-from]").all()
    ]


async def stored(page) -> dict:
    return json.loads(await page.evaluate(f"localStorage.getItem({STORAGE!r})") or "{}")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
async def test_a_spanish_order_question_answered_in_spanish_and_kept_across_a_reload(
    shop, browser, screenshot_dir, viewport
):
    context, page = await new_page(browser, viewport)
    try:
        await page.goto(str(shop.server.make_url("/demo?lang=es")))
        await page.locator(".launcher").click()
        assert await page.locator("#title").inner_text() == "Habla con nosotros"
        asked = await say(page, "Hola, ¿dónde está mi pedido?", 1)
        assert "número de pedido" in asked
        asked = await say(page, "Es el 10010", 2)
        assert "correo electrónico o el código postal" in asked and "#10010" in asked
        answer = await say(page, "ana.garcia@example.com", 3)
        assert answer.startswith("El pedido #10010 va de camino con"), answer
        link = page.locator(".log [data-from=bot]").nth(2).locator("a")
        assert (await link.get_attribute("href")).startswith("https://")
        assert await link.get_attribute("rel") == "noopener noreferrer"
        await page.screenshot(path=screenshot_dir / f"widget-{viewport}-spanish-order.png")

        before = await shown(page)
        session = (await stored(page))["session"]
        await page.goto(
            str(shop.server.make_url("/demo?lang=es#returns"))
        )  # another page of the shop
        await page.locator(".log [data-from]").nth(len(before) - 1).wait_for()
        assert (await stored(page))["session"]["id"] == session["id"]
        assert await shown(page) == before
        await page.reload()
        await page.locator(".log [data-from]").nth(len(before) - 1).wait_for()
        assert await shown(page) == before
        assert page.errors == []
    finally:
        await context.close()


async def test_a_cut_socket_with_the_real_bot_loses_and_doubles_nothing(shop, browser):
    context, page = await new_page(browser, "desktop")
    sockets, cut = [], asyncio.Event()

    async def through(ws):
        if cut.is_set():
            await ws.close(code=1006)
            return
        ws.connect_to_server()
        sockets.append(ws)

    try:
        await page.route_web_socket(WS, through)
        await page.goto(str(shop.server.make_url("/demo?lang=es")))
        await page.locator(".launcher").click()
        await say(page, "¿Dónde está mi pedido?", 1)
        cut.set()
        for ws in sockets:
            await ws.close(code=1006)
        await page.route("**/messages", lambda route: route.abort())  # the network is down too
        await page.locator("textarea").fill("10010")
        await page.locator("textarea").press("Enter")
        await page.locator(".log .waiting").wait_for()
        await page.unroute("**/messages")
        cut.clear()
        answer = page.locator(".log [data-from=bot]").nth(1)
        await answer.wait_for(timeout=60_000)
        assert "#10010" in await answer.inner_text()
        await page.locator(".banner").wait_for(state="hidden")
        session = (await stored(page))["session"]
        response = await shop.get(
            f"/api/chat/sessions/{session['id']}/messages",
            headers={"Authorization": f"Bearer {session['token']}"},
        )
        server = [(m["from"], m["text"]) for m in (await response.json())["messages"]]
        assert await shown(page) == server
        assert [text for who, text in server if who == "shopper"] == [
            "¿Dónde está mi pedido?",
            "10010",
        ]
    finally:
        await context.close()


@pytest.mark.parametrize("instant", INSTANTS.values(), ids=INSTANTS.keys())
async def test_a_person_takes_over_answers_and_is_rated(shop, browser, screenshot_dir, instant):
    # At every hour: the agent is of the team the shop's support.yml routes a Spanish shopper to
    # then (eu on a weekday morning, americas on a Friday evening, the one opening soonest else).
    await add_agent(
        shop.server.app,
        "ana@shop.example",
        languages=("es", "en"),
        name="Ana",
        team=team_for("es", instant),
    )
    context, page = await new_page(browser, "desktop")
    agent = await AgentClient.logged_in(shop.server.make_url("/"), "ana@shop.example")
    try:
        await page.goto(str(shop.server.make_url("/demo?lang=es")))
        await page.locator(".launcher").click()
        await say(page, "Quiero hablar con una persona, por favor", 1)
        await page.locator("#status").filter(has_text="Esperando a alguien").wait_for()
        conversation_id = (await stored(page))["session"]["id"]
        queue = await agent.queue()
        assert conversation_id in [item["id"] for item in queue["queued"]]

        await agent.claim(conversation_id)
        await page.locator("#status").filter(has_text="Ana, de nuestro equipo").wait_for()
        await agent.reply(conversation_id, "Hola, soy Ana. ¿En qué te puedo ayudar?")
        reply = page.locator(".log [data-from=agent]").first
        await reply.wait_for()
        assert (await reply.locator(".who").inner_text()) == "Ana"
        assert "soy Ana" in await reply.locator(".text").inner_text()
        await page.screenshot(path=screenshot_dir / "widget-desktop-agent.png")

        await agent.resolve(conversation_id)
        stars = page.locator(".stars button")
        await stars.first.wait_for()
        await stars.nth(4).click()
        await page.locator(".stars").filter(has_text="¡Gracias por tu valoración!").wait_for()
        assert (await agent.conversation(conversation_id))["rating"]["score"] == 5
        assert page.errors == []
    finally:
        await agent.close()
        await context.close()
