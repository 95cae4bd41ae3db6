"""The delay notice end to end with the real trained bot, in Chromium: a Spanish shopper proves
order 10010 in the chat, Shopify reports the parcel delayed, the notice appears in the widget in
Spanish, and its button hands the conversation to a person through Rasa."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from sqlmodel import col, select

from helpdesk.chat.models import Conversation, ConversationState
from helpdesk.database import DB
from helpdesk.jobs.context import JOBS
from helpdesk.orders.models import Order
from helpdesk.web.keys import EVENTS
from tests.delays.shop import SECRET, event_body, signed

pytestmark = [pytest.mark.rasa]

STORAGE = "shop-support:atelier-nord"


@pytest.fixture
async def shop(helpdesk_factory, rasa, monkeypatch):
    # The page is served on the port Rasa calls back: that origin may open the websocket.
    monkeypatch.setenv("ALLOWED_ORIGINS", f"http://127.0.0.1:{rasa.helpdesk_port}")
    monkeypatch.setenv("SHOPIFY_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("JOBS_POLL_SECONDS", "3600")  # the test runs the due jobs itself
    return await helpdesk_factory()


async def say(page, text: str, answers: int) -> str:
    await page.locator("textarea").fill(text)
    await page.locator("textarea").press("Enter")
    answer = page.locator(".log [data-from=bot], .log [data-from=system]")
    await answer.nth(answers - 1).wait_for(timeout=60_000)
    return (await answer.nth(answers - 1).locator(".text").inner_text()).strip()


async def test_a_delay_reaches_the_shopper_in_the_widget_and_its_button_reaches_a_person(
    shop, browser, screenshot_dir
):
    app = shop.server.app
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-ES")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await page.goto(str(shop.server.make_url("/demo?lang=es")))
        await page.locator(".launcher").click()
        await say(page, "Hola, ¿dónde está mi pedido?", 1)
        await say(page, "Es el 10010", 2)
        answer = await say(page, "ana.garcia@example.com", 3)
        assert answer.startswith("El pedido #10010 va de camino con"), answer
        session = json.loads(await page.evaluate(f"localStorage.getItem({STORAGE!r})"))["session"]
        async with app[DB].session() as db:  # the demo order, as if it came from Shopify
            order = (await db.exec(select(Order).where(col(Order.number) == "10010"))).one()
            order.external_id = "810010"
            db.add(order)
            await db.commit()
            await db.refresh(order)
        for _ in range(100):
            if app[EVENTS].listeners(session["id"]):
                break
            await asyncio.sleep(0.05)

        body = event_body(order, status="delayed", estimated_delivery_at="2026-11-27T10:00:00Z")
        async with aiohttp.ClientSession() as http:
            async with http.post(
                shop.server.make_url("/webhooks/shopify"),
                data=body,
                headers={
                    "X-Shopify-Topic": "fulfillment_events/create",
                    "X-Shopify-Hmac-Sha256": signed(body),
                    "Content-Type": "application/json",
                },
            ) as delivered:
                assert (await delivered.json())["outcome"] == "delay notice queued"
        assert await app[JOBS].run_due() == 1
        notice = page.locator(".log [data-from=bot]").filter(has_text="Sobre tu pedido 10010")
        await notice.wait_for(timeout=10_000)
        text = await notice.locator(".text").inner_text()
        assert "tu paquete va con retraso" in text and "27 de noviembre de 2026" in text
        await page.screenshot(path=str(screenshot_dir / "widget-delay-notice-rasa.png"))

        await page.locator(".replies button").filter(has_text="Hablar con una persona").click()
        for _ in range(600):  # the real bot decides; the helpdesk queues the conversation
            async with app[DB].session() as db:
                conversation = await db.get(Conversation, session["id"])
                assert conversation is not None
                if conversation.state != ConversationState.BOT:
                    break
            await asyncio.sleep(0.1)
        assert conversation.state == ConversationState.QUEUED
        assert errors == []
    finally:
        await context.close()
