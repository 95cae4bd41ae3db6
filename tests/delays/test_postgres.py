"""The delay notice on PostgreSQL (the scale-out database): the same event delivered at once many
times queues one notice, the sweep finds a passed estimate, and each notice is mailed once."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from helpdesk.app import create_app
from helpdesk.database import DB
from helpdesk.delays.sweep import sweep_once
from helpdesk.jobs.context import JOBS
from helpdesk.policies.watch import POLICIES
from helpdesk.web.keys import CLOCK
from tests.delays.shop import SECRET, add_order, delay_jobs, deliver, event_body
from tests.support.databases import database_url, migrated_postgres  # noqa: F401 - fixtures

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
async def shop_on_postgres(
    aiohttp_client,
    settings,
    fake_bot,
    detector,
    translator,
    clock,
    smtp_server,
    database_url,  # noqa: F811
):
    settings.database_url = database_url
    settings.smtp_host, settings.smtp_port = "127.0.0.1", smtp_server.port
    settings.smtp_security = "none"
    settings.shopify_webhook_secret = SECRET
    settings.jobs_poll_seconds = 3600
    return await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_events_at_once_and_the_sweep_mail_each_notice_once(shop_on_postgres, smtp_server):
    shop = shop_on_postgres
    app = shop.app
    late = await add_order(
        app, "30050", email="eva@example.at", country="AT", estimate=date(2026, 11, 25)
    )
    await add_order(app, "30051", email="tom@example.nl", country="NL", estimate=date(2026, 11, 19))
    body = event_body(late)
    answers = await asyncio.gather(*(deliver(shop, body) for _ in range(8)))
    outcomes = sorted([(await answer.json())["outcome"] for answer in answers])
    assert outcomes == ["delay notice queued"] + ["duplicate"] * 7

    app[CLOCK].set(datetime(2026, 11, 21, 9, 0, tzinfo=AMSTERDAM))  # a day after it passed
    assert await sweep_once(app[DB], app[POLICIES], app[CLOCK]) == 1  # 30051's estimate passed
    assert await sweep_once(app[DB], app[POLICIES], app[CLOCK]) == 0
    assert len(await delay_jobs(app)) == 2
    assert await app[JOBS].run_due() == 4  # two notices, two emails
    emails = await asyncio.to_thread(smtp_server.mailbox.wait_for, 2)
    assert sorted(email["Subject"] for email in emails) == [
        "Ihre Bestellung 30050 verspätet sich",
        "Your order 30051 is running late",
    ]
