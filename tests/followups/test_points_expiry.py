"""The points-expiry reminder: days_before (engagement.yml) the day an account's points expire, one
email at a real SMTP server, in the market's language; new activity that moves the expiry means
no reminder for the old day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from helpdesk.database import DB
from helpdesk.followups import expiry
from helpdesk.followups.jobs import FOLLOWUP_JOB
from helpdesk.jobs.context import JOBS
from helpdesk.orders.models import LoyaltyAccount
from helpdesk.policies import engagement
from helpdesk.policies.loyalty import points_expire_on
from helpdesk.policies.watch import POLICIES
from helpdesk.web.keys import CLOCK
from tests.followups.orders import emails, jobs


def activity_for(policies, expires_on: date) -> date:
    """A last activity whose points expire on `expires_on`."""
    day = expires_on
    while points_expire_on(policies.loyalty, day) > expires_on:
        day -= timedelta(days=1)
    assert points_expire_on(policies.loyalty, day) == expires_on
    return day


async def add_account(app, email: str, country: str, last_activity: date) -> int:
    async with app[DB].session() as session:
        account = LoyaltyAccount(
            email=email, country=country, balance=120, last_activity=last_activity
        )
        session.add(account)
        await session.commit()
        assert account.id is not None
        return account.id


async def sweep_and_run(app) -> int:
    await expiry.sweep_once(app[DB], app[POLICIES], app[CLOCK])
    return await app[JOBS].run_due()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("country", "subject"),
    [
        ("ES", "Tus puntos caducan el 10 de enero de 2027"),
        ("FR", "Vos points expirent le 10 janvier 2027"),
    ],
)
async def test_the_reminder_comes_days_before_the_points_expire(
    shop, smtp_server, country, subject
):
    app, clock = shop.app, shop.app[CLOCK]
    policies = app[POLICIES].policies
    days_before = policies.engagement.messages.points_expiry_reminder.days_before
    expires_on = date(2027, 1, 10)
    await add_account(app, "ana@example.es", country, activity_for(policies, expires_on))
    zone = engagement.shopper_zone(policies.engagement, None, country)
    reminder_day = expires_on - timedelta(days=days_before)
    clock.set(datetime.combine(reminder_day - timedelta(days=1), time(12), tzinfo=zone))
    assert await sweep_and_run(app) == 0  # queued for tomorrow
    assert await sweep_and_run(app) == 0  # and only once
    assert len(await jobs(app, FOLLOWUP_JOB)) == 1
    clock.set(datetime.combine(reminder_day, time(12), tzinfo=zone))
    assert await sweep_and_run(app) == 2
    [email] = await emails(smtp_server, 1)
    assert email["Subject"] == subject
    assert "120" in email.get_body(("plain",)).get_content()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_new_activity_moves_the_expiry_and_the_old_reminder_is_not_sent(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    policies = app[POLICIES].policies
    days_before = policies.engagement.messages.points_expiry_reminder.days_before
    expires_on = date(2027, 1, 10)
    account_id = await add_account(app, "ana@example.nl", "NL", activity_for(policies, expires_on))
    zone = engagement.shopper_zone(policies.engagement, None, "NL")
    clock.set(datetime.combine(expires_on - timedelta(days=days_before + 1), time(12), tzinfo=zone))
    await sweep_and_run(app)
    async with app[DB].session() as session:
        account = await session.get(LoyaltyAccount, account_id)
        assert account is not None
        account.last_activity = clock.today()  # the shopper ordered again
        session.add(account)
        await session.commit()
    clock.set(datetime.combine(expires_on - timedelta(days=days_before), time(12), tzinfo=zone))
    assert await sweep_and_run(app) == 1
    [job] = await jobs(app, FOLLOWUP_JOB)
    assert job.outcome is not None and job.outcome.startswith(
        "done without sending: the points now expire on"
    )
    assert smtp_server.mailbox.count() == 0
