"""Two helpdesk replicas on one PostgreSQL and one Redis: the shopper's widget is connected to
one, the delay notice's job runs on the other, and the notice still reaches the open widget;
once the widget is closed, the next one goes by email."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from helpdesk.app import create_app
from helpdesk.clock import SetClock
from helpdesk.jobs.context import JOBS
from helpdesk.settings import Settings
from helpdesk.web.keys import EVENTS
from tests.conftest import open_session
from tests.delays.shop import SECRET, add_order, deliver, event_body, prove
from tests.support.instants import WEEKDAY_MORNING_IN_AMSTERDAM


async def replica(aiohttp_client, settings: Settings, fake_bot, detector, translator):
    return await aiohttp_client(
        create_app(
            settings.model_copy(),
            bot=fake_bot,
            detector=detector,
            translator=translator,
            clock=SetClock(WEEKDAY_MORNING_IN_AMSTERDAM),
        )
    )


async def until(check, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not within the time allowed")


async def test_the_notice_reaches_a_widget_connected_to_another_replica(
    postgres_url, redis_url, aiohttp_client, settings, fake_bot, detector, translator, smtp_server
):
    settings.database_url, settings.redis_url = postgres_url, redis_url
    settings.shop = f"shop-{uuid.uuid4().hex[:8]}"  # its own Redis channels
    settings.smtp_host, settings.smtp_port = "127.0.0.1", smtp_server.port
    settings.smtp_security = "none"
    settings.shopify_webhook_secret = SECRET
    settings.jobs_poll_seconds = 3600  # the test runs the due jobs itself
    widget_side = await replica(aiohttp_client, settings, fake_bot, detector, translator)
    job_side = await replica(aiohttp_client, settings, fake_bot, detector, translator)
    order = await add_order(
        widget_side.app, "30060", email="joao@example.pt", country="PT", estimate=date(2026, 11, 20)
    )
    shopper = await open_session(widget_side, "pt")
    await prove(widget_side.app, shopper.session_id, order, lang="pt")
    socket = await shopper.socket()
    assert job_side.app[EVENTS].listeners(shopper.session_id) == 0  # not on this replica
    await until(lambda: job_side.app[EVENTS].listening(shopper.session_id))

    await deliver(job_side, event_body(order, event_id=1))
    assert await job_side.app[JOBS].run_due() == 1  # shown in the widget: no email
    pushed = await socket.receive_json(timeout=10)
    assert pushed["message"]["text"].startswith("Sobre o seu pedido 30060:")

    await socket.close()

    async def closed() -> bool:
        return not await job_side.app[EVENTS].listening(shopper.session_id)

    await until(closed)
    await deliver(job_side, event_body(order, event_id=2))
    assert await job_side.app[JOBS].run_due() == 2  # the notice, then its email
    [email] = await asyncio.to_thread(smtp_server.mailbox.wait_for, 1)
    assert email["Subject"] == "O seu pedido 30060 está atrasado"
