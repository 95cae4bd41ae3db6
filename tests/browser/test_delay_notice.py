"""The delay notice in a real headless Chromium: the shopper has the widget open on the shop's
page, Shopify reports the parcel delayed, and the notice appears in the widget in the shopper's
language, with its "talk to a person" button; the same event again shows nothing more."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import aiohttp
import pytest

from helpdesk.jobs.context import JOBS
from helpdesk.rasa.client import BotMessage
from helpdesk.web.keys import EVENTS
from tests.browser.conftest import serve_demo
from tests.delays.shop import SECRET, add_order, event_body, prove, signed
from tests.support.fakes import FakeBot

STORAGE = "shop-support:atelier-nord"


@pytest.fixture
async def shop(clock, aiohttp_server, tmp_path, detector, translator):
    bot = FakeBot({"hallo": [BotMessage(key="utter_greet")]})
    return await serve_demo(
        aiohttp_server,
        tmp_path,
        bot,
        detector=detector,
        translator=translator,
        clock=clock,
        shopify_webhook_secret=SECRET,
        jobs_poll_seconds=3600,  # the test runs the due jobs itself
    )


async def deliver(shop, body: bytes, webhook_id: str) -> dict:
    async with aiohttp.ClientSession() as http:
        async with http.post(
            shop.make_url("/webhooks/shopify"),
            data=body,
            headers={
                "X-Shopify-Topic": "fulfillment_events/create",
                "X-Shopify-Webhook-Id": webhook_id,
                "X-Shopify-Hmac-Sha256": signed(body),
                "Content-Type": "application/json",
            },
        ) as answer:
            assert answer.status == 200, await answer.text()
            return await answer.json()


async def test_a_delayed_parcel_is_announced_in_the_open_widget(shop, browser, screenshot_dir):
    app = shop.app
    order = await add_order(
        app, "30040", email="jonas@example.de", country="DE", estimate=date(2026, 11, 20)
    )
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await page.goto(str(shop.make_url("/demo")))
        await page.locator(".launcher").click()
        await page.locator("textarea").fill("hallo")
        await page.locator("textarea").press("Enter")
        await page.locator(".log [data-from=bot]").first.wait_for()
        session = json.loads(await page.evaluate(f"localStorage.getItem({STORAGE!r})"))["session"]
        await prove(app, session["id"], order, lang="de")
        for _ in range(100):  # the widget's socket listens
            if app[EVENTS].listeners(session["id"]):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the widget never opened its websocket")

        body = event_body(order, estimated_delivery_at="2026-11-26T00:00:00+01:00")
        assert (await deliver(shop, body, "w-1"))["outcome"] == "delay notice queued"
        assert await app[JOBS].run_due() == 1
        notice = page.locator(".log [data-from=bot]").filter(has_text="Zu deiner Bestellung 30040")
        await notice.wait_for(timeout=10_000)
        text = await notice.locator(".text").inner_text()
        assert "Der Versanddienstleister meldet, dass sich das Paket verspätet." in text
        assert "26. November 2026" in text
        button = page.locator(".replies button").filter(has_text="Mit einem Menschen sprechen")
        await button.wait_for()
        await page.screenshot(path=str(screenshot_dir / "widget-delay-notice.png"))

        assert (await deliver(shop, body, "w-2"))["outcome"] == "duplicate"
        assert await app[JOBS].run_due() == 0
        await asyncio.sleep(0.5)
        assert await page.locator(".log [data-from=bot]").filter(has_text="30040").count() == 1
        assert errors == []
    finally:
        await context.close()
