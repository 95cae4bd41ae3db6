"""The late sweep with the clock moved: nothing before the estimate has passed where the shopper
lives, one notice after it (due the days engagement.yml gives later), nothing more when it sweeps
again; a parcel delivered or an order cancelled is never late."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk.clock import aware
from helpdesk.database import DB
from helpdesk.delays.sweep import sweep_once
from helpdesk.jobs.context import JOBS
from helpdesk.orders.models import Order, OrderStatus, Shipment
from helpdesk.policies.watch import POLICIES
from helpdesk.web.keys import CLOCK
from tests.delays.shop import add_order, delay_jobs, rows

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LONDON = ZoneInfo("Europe/London")


async def sweep(app) -> int:
    return await sweep_once(app[DB], app[POLICIES], app[CLOCK])


async def test_a_passed_estimate_gives_one_notice_when_due_and_no_more(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    await add_order(
        app, "30010", email="noor@example.nl", country="NL", estimate=date(2026, 11, 20)
    )
    assert await sweep(app) == 0  # Wednesday the 18th: the parcel is expected on Friday
    clock.set(datetime(2026, 11, 20, 23, 30, tzinfo=AMSTERDAM))
    assert await sweep(app) == 0  # still the expected day where the shopper lives
    assert await delay_jobs(app) == []

    clock.set(datetime(2026, 11, 21, 0, 30, tzinfo=AMSTERDAM))
    assert await sweep(app) == 1
    [job] = await delay_jobs(app)
    assert job.dedupe_key.startswith("delay_notice:30010:estimate:")
    # Domestic (engagement.yml: home_countries NL): one day after the estimate passed.
    assert aware(job.due_at) == datetime(2026, 11, 22, 0, 0, tzinfo=AMSTERDAM)
    [order] = await rows(app, Order)
    assert order.status == OrderStatus.DELAYED
    assert await app[JOBS].run_due() == 0  # not due yet
    assert await sweep(app) == 0

    clock.set(datetime(2026, 11, 22, 9, 0, tzinfo=AMSTERDAM))
    assert await app[JOBS].run_due() == 2  # the notice, then its email
    [email] = await asyncio.to_thread(smtp_server.mailbox.wait_for, 1)
    assert email["Subject"] == "Your order 30010 is running late"  # Dutch: not a shop language
    text = email.get_body(("plain",)).get_content()
    assert "Your parcel was expected by November 20, 2026 and has not arrived yet." in text
    assert "We don't have a new delivery date yet" in text

    clock.advance(timedelta(days=3))
    assert await sweep(app) == 0
    assert await app[JOBS].run_due() == 0
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 1


async def test_international_orders_wait_their_days_and_the_shoppers_midnight(shop):
    app, clock = shop.app, shop.app[CLOCK]
    await add_order(
        app, "30011", email="sam@example.co.uk", country="GB", estimate=date(2026, 11, 20)
    )
    # Midnight has passed in Amsterdam but not in London, where the estimate is still today.
    clock.set(datetime(2026, 11, 21, 0, 30, tzinfo=AMSTERDAM))
    assert await sweep(app) == 0
    clock.set(datetime(2026, 11, 21, 0, 30, tzinfo=LONDON))
    assert await sweep(app) == 1
    [job] = await delay_jobs(app)
    assert aware(job.due_at) == datetime(2026, 11, 23, 0, 0, tzinfo=LONDON)  # two days


async def test_a_delivered_parcel_or_a_cancelled_order_is_never_late(shop):
    app, clock = shop.app, shop.app[CLOCK]
    await add_order(app, "30012", email="a@example.nl", country="NL", estimate=date(2026, 11, 19))
    await add_order(app, "30013", email="b@example.nl", country="NL", estimate=date(2026, 11, 19))
    async with app[DB].session() as session:
        parcel = [s for s in await rows(app, Shipment) if s.tracking_number == "JD30012"][0]
        parcel.delivered_on = date(2026, 11, 19)
        cancelled = [o for o in await rows(app, Order) if o.number == "30013"][0]
        cancelled.status = OrderStatus.CANCELLED
        session.add_all([parcel, cancelled])
        await session.commit()
    clock.advance(timedelta(days=5))
    assert await sweep(app) == 0
    assert await delay_jobs(app) == []
