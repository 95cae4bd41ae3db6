"""The follow-ups keep the rules of engagement.yml: the quiet hours where the shopper lives, the
weekly cap, an unsubscribed address, a message turned off; the same delivery told twice, or swept
twice, sends once; an order returned meanwhile hears nothing more."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col

from helpdesk.clock import aware
from helpdesk.database import DB
from helpdesk.followups.jobs import FOLLOWUP_JOB
from helpdesk.mail import records
from helpdesk.mail.models import MailEvent, MailRecord
from helpdesk.orders.models import Order, OrderStatus
from helpdesk.web.keys import CLOCK
from tests.delays.shop import add_order, deliver, event_body, rows
from tests.followups.orders import deliver_parcel, emails, jobs, sweep_and_run

LONDON = ZoneInfo("Europe/London")  # an hour behind the shop in Amsterdam
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def delivered(shop, number: str, *, country: str, email: str = "li@example.cn") -> Order:
    """An order delivered now, swept: its thank-you comes too late (done without sending), its
    check-in and review request wait for their days."""
    app = shop.app
    order = await add_order(app, number, email=email, country=country, estimate=app[CLOCK].today())
    await deliver_parcel(shop, order, at=app[CLOCK].now())
    await sweep_and_run(app)
    return order


async def sent_before(app, *days: int, kind: str = "delay_notice") -> list[datetime]:
    """Emails sent to noor@example.nl these many days ago, as the mailer records them."""
    moments = [app[CLOCK].now() - timedelta(days=ago) for ago in days]
    async with app[DB].session() as session:
        for moment in moments:
            records.record_sent(
                session, at=moment, recipient="noor@example.nl", kind=kind, lang="en"
            )
        await session.commit()
    return moments


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_email_due_in_the_night_where_the_shopper_lives_waits_for_the_morning(
    shop, smtp_server
):
    app, clock = shop.app, shop.app[CLOCK]
    await delivered(shop, "40020", country="GB")  # quiet from 21:00 to 08:00 in London
    [thanks] = [job for job in await jobs(app, FOLLOWUP_JOB) if job.state == "done"]
    assert thanks.outcome == "done without sending: the order is delivered now"
    # The check-in (international: 3 days) falls due at midnight in London.
    clock.set(datetime(2026, 11, 21, 0, 30, tzinfo=LONDON))
    assert await sweep_and_run(app) == 1  # the follow-up; its email waits
    [mail] = await jobs(app, "mail")
    assert aware(mail.due_at) == datetime(2026, 11, 21, 8, 0, tzinfo=LONDON)
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 0
    clock.set(datetime(2026, 11, 21, 8, 1, tzinfo=LONDON))
    assert await sweep_and_run(app) == 1
    [email] = await emails(smtp_server, 1)
    assert email["Subject"] == "Did your order 40020 arrive well?"


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
async def test_the_weekly_cap_holds_a_follow_up_until_the_week_allows_it(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    await delivered(shop, "40021", country="NL", email="noor@example.nl")
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=AMSTERDAM))  # the check-in's day
    sent = await sent_before(app, 6, 3, 1)  # the cap: 3 a week
    assert await sweep_and_run(app) == 1
    [mail] = await jobs(app, "mail")
    assert aware(mail.due_at) == sent[0] + timedelta(days=7)
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_two_follow_ups_due_together_do_not_both_take_the_last_place(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    for number in ("40022", "40023"):
        await delivered(shop, number, country="NL", email="noor@example.nl")
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=AMSTERDAM))
    await sent_before(app, 5, 2)  # two of three places taken
    await sweep_and_run(app)
    sent_now = [job for job in await jobs(app, "mail") if job.state == "done"]
    assert len(sent_now) == 1  # the other waits for the oldest to age out
    await emails(smtp_server, 1)


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_follow_up_and_a_delay_notice_due_together_do_not_both_take_the_last_place(
    shop, smtp_server
):
    app, clock = shop.app, shop.app[CLOCK]
    await delivered(shop, "40027", country="NL", email="noor@example.nl")
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=AMSTERDAM))  # the check-in's day
    late = await add_order(
        app, "40028", email="noor@example.nl", country="NL", estimate=clock.today()
    )
    await sent_before(app, 5, 2, kind="review_request")  # two of three places taken
    assert (await deliver(shop, event_body(late))).status == 200  # the notice, due at once
    await sweep_and_run(app)  # the check-in, the notice (and 40028's thank-you) side by side
    states = [job.state for job in await jobs(app, "mail")]
    assert len(states) >= 2 and sorted(states) == ["done"] + ["due"] * (len(states) - 1)
    await emails(smtp_server, 1)
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_order_with_no_email_gives_up_its_follow_up_at_once(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    await delivered(shop, "40029", country="NL", email="")  # a point-of-sale order
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=AMSTERDAM))
    assert await sweep_and_run(app) == 1
    [check_in] = [job for job in await jobs(app, FOLLOWUP_JOB) if job.state == "dead"]
    assert check_in.dedupe_key == "followup:delivery_check_in:40029"
    assert "no usable email" in (check_in.last_error or "")
    assert await jobs(app, "mail") == []


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
async def test_an_unsubscribed_address_gets_no_follow_up(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    await delivered(shop, "40024", country="NL", email="Noor@Example.nl ")
    async with app[DB].session() as session:
        await records.suppress(session, "noor@example.nl", at=clock.now(), kind="delay_notice")
        await session.commit()
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=AMSTERDAM))
    assert await sweep_and_run(app) == 1
    outcomes = [job.outcome for job in await jobs(app, FOLLOWUP_JOB) if job.state == "done"]
    assert "done without sending: the address unsubscribed" in outcomes
    assert await jobs(app, "mail") == []
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 0


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
async def test_the_same_delivery_told_twice_and_swept_twice_sends_once(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    order = await delivered(shop, "40025", country="NL", email="noor@example.nl")
    await deliver_parcel(shop, order, at=clock.now())  # Shopify tells it again
    await asyncio.gather(*(sweep_and_run(app) for _ in range(3)))
    assert [job.dedupe_key for job in await jobs(app, FOLLOWUP_JOB)] == [
        "followup:shipped_thank_you:40025",
        "followup:delivery_check_in:40025",
        "followup:review_request:40025",
    ]
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=AMSTERDAM))
    await asyncio.gather(*(sweep_and_run(app) for _ in range(3)))
    await emails(smtp_server, 1)
    await asyncio.sleep(0.3)
    assert smtp_server.mailbox.count() == 1
    assert len(await rows(app, MailRecord, col(MailRecord.event) == MailEvent.SENT)) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_order_returned_before_its_review_request_hears_nothing_more(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    order = await delivered(shop, "40026", country="NL", email="noor@example.nl")
    async with app[DB].session() as session:
        stored = await session.get(Order, order.id)
        assert stored is not None
        stored.status = OrderStatus.RETURNED
        session.add(stored)
        await session.commit()
    clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=AMSTERDAM))  # past both
    assert await sweep_and_run(app) == 2
    outcomes = [job.outcome for job in await jobs(app, FOLLOWUP_JOB)][1:]  # after the thank-you
    assert outcomes == ["done without sending: the order is returned now"] * 2
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 0
