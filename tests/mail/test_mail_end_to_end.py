"""The shop's emails through the running app and a real SMTP server: queued once per event, sent
when due by the clock, both parts and the one-click headers as received; the link in the header
unsubscribes, and nothing further reaches that address; an SMTP outage is retried."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlmodel import col, select

from helpdesk.app import create_app
from helpdesk.database import DB
from helpdesk.insights.events import ConversationEvent
from helpdesk.jobs import queue
from helpdesk.jobs.context import JOBS
from helpdesk.jobs.models import DueJob, JobState
from helpdesk.mail.models import MailEvent, MailRecord, MailSuppression
from helpdesk.mail.service import MailRequest, enqueue_mail
from helpdesk.web.keys import CLOCK
from tests.conftest import open_session
from tests.support.servers import free_port


@pytest.fixture
async def shop(aiohttp_client, settings, fake_bot, detector, translator, clock, smtp_server):
    settings.smtp_host, settings.smtp_port = "127.0.0.1", smtp_server.port
    settings.smtp_security = "none"  # a relay on this machine
    settings.jobs_poll_seconds = 3600  # the tests run the due jobs themselves
    return await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )


def thank_you(to: str, lang: str = "de", **about) -> MailRequest:
    return MailRequest(
        to=to,
        kind="shipped_thank_you",
        lang=lang,
        variables={
            "greeting_key": "mail_greeting_named",  # "Hello {name},"
            "name": "Ana",
            "order_number": "AN-1001",
            "tracking_url": "https://track.example.com/AN-1001",
        },
        **about,
    )


async def queue_mail(app, request: MailRequest, key: str, *, after=timedelta(0)) -> bool:
    now = app[CLOCK].now()
    async with app[DB].session() as session:
        added = await enqueue_mail(session, request, due_at=now + after, dedupe_key=key, now=now)
        await session.commit()
    return added


async def rows(app, model, *where):
    async with app[DB].session() as session:
        return list((await session.exec(select(model).where(*where))).all())


async def test_an_email_goes_out_once_when_due_and_its_link_unsubscribes(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    shopper = await open_session(shop, "de")
    request = thank_you("  Ana@Example.COM ", conversation_id=shopper.session_id)
    assert await queue_mail(app, request, "shipped:AN-1001", after=timedelta(days=1))
    assert not await queue_mail(app, request, "shipped:AN-1001")  # the same event again
    assert await app[JOBS].run_due() == 0  # not due yet
    clock.advance(timedelta(days=1))
    assert await app[JOBS].run_due() == 1

    [email] = await asyncio.to_thread(smtp_server.mailbox.wait_for, 1)
    assert smtp_server.mailbox.envelopes[0][1] == ["ana@example.com"]
    assert email["Subject"] == "Ihre Bestellung AN-1001 ist unterwegs"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "vielen Dank für Ihre Bestellung AN-1001" in text and "Diese E-Mails abbestellen" in text
    assert '<a href="https://track.example.com/AN-1001">' in html
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = email["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:8080/mail/unsubscribe?t=") and link in text

    [sent] = await rows(app, MailRecord)
    assert (sent.event, sent.recipient, sent.message_kind, sent.lang) == (
        MailEvent.SENT,
        "ana@example.com",
        "shipped_thank_you",
        "de",
    )
    [event] = await rows(app, ConversationEvent, col(ConversationEvent.kind) == MailEvent.SENT)
    assert event.conversation_id == shopper.session_id and event.detail == {
        "message": "shipped_thank_you"
    }

    address = urlsplit(link)
    page = await shop.get(f"{address.path}?{address.query}")
    assert page.status == 200 and "text/html" in page.headers["Content-Type"]
    said = await page.text()
    assert "Soll ana@example.com keine E-Mails mehr von Atelier Nord erhalten?" in said
    assert await rows(app, MailSuppression) == []  # opening the page changes nothing

    # The mail client's one click (RFC 8058): a POST to the header's link.
    one_click = {"data": "List-Unsubscribe=One-Click"}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    done = await shop.post(f"{address.path}?{address.query}", headers=headers, **one_click)
    assert done.status == 200 and "Erledigt: ana@example.com" in await done.text()
    again = await shop.post(f"{address.path}?{address.query}", headers=headers, **one_click)
    assert again.status == 200

    # Nothing further reaches the address, however the next order spells it.
    assert await queue_mail(app, thank_you("ANA@example.com", "en"), "shipped:AN-1002")
    assert await app[JOBS].run_due() == 1
    [job] = await rows(app, DueJob, col(DueJob.dedupe_key) == "shipped:AN-1002")
    assert (job.state, job.outcome) == (
        JobState.DONE,
        "done without sending: the address unsubscribed",
    )
    assert smtp_server.mailbox.count() == 1
    records = await rows(app, MailRecord)
    assert sorted(record.event for record in records) == [
        MailEvent.SENT,
        MailEvent.UNSUBSCRIBE_OPENED,  # the page was opened before its button was pressed
        MailEvent.UNSUBSCRIBED,
    ]


async def test_the_runner_in_the_background_sends_what_is_due(
    aiohttp_client, settings, fake_bot, detector, translator, clock, smtp_server
):
    settings.smtp_host, settings.smtp_port = "127.0.0.1", smtp_server.port
    settings.smtp_security, settings.jobs_poll_seconds = "none", 0.2
    client = await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )
    await queue_mail(client.app, thank_you("bob@example.com", "pt"), "shipped:AN-2001")
    [email] = await asyncio.to_thread(smtp_server.mailbox.wait_for, 1, 10)
    assert email["Subject"] == "Seu pedido AN-1001 está a caminho"


async def test_an_smtp_outage_is_retried_after_the_back_off(shop, smtp_server, settings):
    app, clock = shop.app, shop.app[CLOCK]
    settings.smtp_port = free_port()  # nobody listens there
    await queue_mail(app, thank_you("ana@example.com", "fr"), "shipped:AN-3001")
    assert await app[JOBS].run_due() == 1
    [job] = await rows(app, DueJob)
    assert job.state == JobState.DUE and job.attempts == 1 and job.last_error
    settings.smtp_port = smtp_server.port  # the server is back
    assert await app[JOBS].run_due() == 0  # waits out the back-off
    clock.advance(timedelta(seconds=settings.jobs_backoff_seconds + 1))
    assert await app[JOBS].run_due() == 1
    [email] = await asyncio.to_thread(smtp_server.mailbox.wait_for, 1)
    assert email["Subject"] == "Votre commande AN-1001 est en route"
    [job] = await rows(app, DueJob)
    assert (job.state, job.attempts) == (JobState.DONE, 2)


async def test_a_payload_no_retry_can_fix_is_dead_at_once(shop, smtp_server):
    app = shop.app
    async with app[DB].session() as session:
        now = app[CLOCK].now()
        await queue.enqueue(
            session, kind="mail", payload={"to": "nobody"}, due_at=now, dedupe_key="x", now=now
        )
        await queue.enqueue(
            session,
            kind="mail",
            payload=thank_you("not an address").model_dump(),
            due_at=now,
            dedupe_key="y",
            now=now,
        )
        await session.commit()
    await app[JOBS].run_due()
    dead = {job.dedupe_key: job for job in await rows(app, DueJob)}
    assert {job.state for job in dead.values()} == {JobState.DEAD}
    assert "kind: Field required" in (dead["x"].last_error or "")
    assert "not an email address" in (dead["y"].last_error or "")
    assert smtp_server.mailbox.count() == 0
