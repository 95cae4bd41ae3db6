"""Suppressions and mail records on SQLite and PostgreSQL: an address unsubscribes once (however
it is spelt), emails sent are counted per address for the weekly cap, transcripts aside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from helpdesk.mail import records
from helpdesk.mail.addresses import normalise
from helpdesk.mail.models import MailEvent, MailRecord
from helpdesk.policies import Policies, load_policies
from helpdesk.policies.engagement import next_weekly_slot
from helpdesk.settings import PROJECT_ROOT

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


async def test_an_address_unsubscribes_once_however_it_is_spelt(database):
    async with database.session() as session:
        assert await records.suppress(
            session, normalise(" Ana@Example.com"), at=NOW, kind="review_request"
        )
        assert not await records.suppress(
            session, normalise("ana@example.COM"), at=NOW, kind="delay_notice"
        )
        await session.commit()
        assert await records.is_suppressed(session, "ana@example.com")
        assert not await records.is_suppressed(session, "bob@example.com")
        recorded = (await session.exec(select(MailRecord))).all()
    assert [(r.event, r.recipient, r.message_kind) for r in recorded] == [
        (MailEvent.UNSUBSCRIBED, "ana@example.com", "review_request")
    ]


async def test_emails_sent_count_against_the_weekly_cap_but_transcripts_do_not(database):
    sent = {
        "shipped_thank_you": NOW - timedelta(days=8),  # a week ago and more: not counted
        "delivery_check_in": NOW - timedelta(days=6),
        "review_request": NOW - timedelta(days=2),
        "transcript": NOW - timedelta(hours=3),  # asked for by the shopper
        "csat_by_email": NOW - timedelta(hours=1),
    }
    async with database.session() as session:
        for kind, at in sent.items():
            records.record_sent(session, at=at, recipient="ana@example.com", kind=kind, lang="en")
        records.record_sent(session, at=NOW, recipient="bob@example.com", kind="x", lang="en")
        await session.commit()
        counted = await records.sent_since(session, "ana@example.com", NOW - timedelta(days=7))
    assert sorted(counted) == sorted(
        [sent["delivery_check_in"], sent["review_request"], sent["csat_by_email"]]
    )
    # engagement.yml allows 3 a week: the next may go when the oldest of those is a week old.
    policies = load_policies(PROJECT_ROOT / "policies")
    assert isinstance(policies, Policies)
    slot = next_weekly_slot(policies.engagement, counted, NOW)
    assert slot == sent["delivery_check_in"] + timedelta(days=7)
