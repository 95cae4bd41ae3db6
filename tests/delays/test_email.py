"""The delay notice by email, received at a real SMTP server: in the conversation's language or
else the market's, with the carrier's new date; held through the quiet hours where the shopper
lives and past the weekly cap (an email still waiting to go out counts); off in engagement.yml,
nothing goes out."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col

from helpdesk.clock import aware
from helpdesk.database import DB
from helpdesk.insights.events import ConversationEvent
from helpdesk.jobs.context import JOBS
from helpdesk.jobs.models import DueJob
from helpdesk.mail import records
from helpdesk.mail.models import MailEvent, MailRecord
from helpdesk.mail.service import MailRequest, enqueue_mail
from helpdesk.web.keys import CLOCK
from tests.conftest import open_session
from tests.delays.shop import add_order, deliver, event_body, prove, rows

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NEW_DATE = "2026-11-25T12:00:00+01:00"  # the carrier's new estimate


@pytest.mark.parametrize(
    ("country", "chat_lang", "subject", "words"),
    [
        ("FR", None, "Votre commande 30020 a du retard",
         ["Le transporteur nous signale que votre colis a du retard.", "25 novembre 2026"]),
        ("CN", None, "您的订单 30020 将延迟送达",
         ["承运商通知我们，您的包裹出现了延误。", "2026年11月25日"]),
        ("BR", None, "O seu pedido 30020 está atrasado",
         ["A transportadora nos informou que o seu pacote está atrasado.", "25 de novembro de 2026"]),
        ("NL", "es", "Tu pedido 30020 llegará con retraso",
         ["La empresa de transporte nos avisa de que tu paquete va con retraso.",
          "25 de noviembre de 2026"]),
        ("DE", "it", "Il tuo ordine 30020 è in ritardo",
         ["Il corriere ci segnala che il pacco è in ritardo.", "25 novembre 2026"]),
    ],
)  # fmt: skip
async def test_the_email_speaks_the_chats_or_the_markets_language(
    shop, smtp_server, country, chat_lang, subject, words
):
    app = shop.app
    order = await add_order(
        app, "30020", email="shopper@example.com", country=country, estimate=date(2026, 11, 20)
    )
    conversation_id = None
    if chat_lang:  # a chat that proved the order, its widget closed now
        conversation_id = (await open_session(shop, chat_lang)).session_id
        await prove(app, conversation_id, order, lang=chat_lang)
    await deliver(shop, event_body(order, estimated_delivery_at=NEW_DATE))
    assert await app[JOBS].run_due() == 2

    [email] = await asyncio.to_thread(smtp_server.mailbox.wait_for, 1)
    assert email["Subject"] == subject
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    for said in words:
        assert said in text and said in html
    assert "30020" in text and email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [record] = await rows(app, MailRecord)
    assert (record.message_kind, record.order_number, record.conversation_id) == (
        "delay_notice",
        "30020",
        conversation_id,
    )
    if conversation_id:  # the conversation's log shows the email
        [logged] = await rows(app, ConversationEvent, col(ConversationEvent.kind) == MailEvent.SENT)
        assert logged.detail == {"message": "delay_notice"}


async def test_the_email_waits_for_the_end_of_the_quiet_hours(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    order = await add_order(
        app, "30021", email="noor@example.nl", country="NL", estimate=date(2026, 11, 20)
    )
    clock.set(datetime(2026, 11, 19, 22, 15, tzinfo=AMSTERDAM))  # quiet from 21:00 to 08:00
    await deliver(shop, event_body(order))
    assert await app[JOBS].run_due() == 1  # the notice; its email waits
    [mail_job] = await rows(app, DueJob, col(DueJob.kind) == "mail")
    assert aware(mail_job.due_at) == datetime(2026, 11, 20, 8, 0, tzinfo=AMSTERDAM)
    clock.set(datetime(2026, 11, 20, 8, 1, tzinfo=AMSTERDAM))
    assert await app[JOBS].run_due() == 1
    await asyncio.to_thread(smtp_server.mailbox.wait_for, 1)


async def test_the_weekly_cap_holds_the_email_until_the_week_allows_it(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    order = await add_order(
        app, "30022", email="noor@example.nl", country="NL", estimate=date(2026, 11, 20)
    )
    now = clock.now()
    sent = [now - timedelta(days=days) for days in (6, 3, 1)]  # the cap of engagement.yml: 3
    async with app[DB].session() as session:
        for moment in sent:
            session.add(
                MailRecord(
                    event=MailEvent.SENT,
                    at=moment,
                    recipient="noor@example.nl",
                    message_kind="shipped_thank_you",
                )
            )
        await session.commit()
    await deliver(shop, event_body(order))
    assert await app[JOBS].run_due() == 1
    [mail_job] = await rows(app, DueJob, col(DueJob.kind) == "mail")
    assert aware(mail_job.due_at) == sent[0] + timedelta(days=7)  # when the oldest ages out
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 0


async def test_an_email_waiting_to_go_out_counts_against_the_cap(shop, smtp_server):
    """The cap counts every message the shopper gets: a follow-up queued and not sent yet takes
    a place, as the follow-ups count it (this email used to count only what had gone out)."""
    app, clock = shop.app, shop.app[CLOCK]
    order = await add_order(
        app, "30024", email="noor@example.nl", country="NL", estimate=date(2026, 11, 20)
    )
    now = clock.now()
    sent = [now - timedelta(days=days) for days in (5, 2)]  # two of the three places taken
    async with app[DB].session() as session:
        for moment in sent:
            records.record_sent(
                session, at=moment, recipient="noor@example.nl", kind="shipped_thank_you", lang="en"
            )
        waiting = MailRequest(to="noor@example.nl", kind="review_request", lang="en")
        later = now + timedelta(hours=1)
        await enqueue_mail(session, waiting, due_at=later, dedupe_key="mail:review", now=now)
        await session.commit()
    await deliver(shop, event_body(order))
    assert await app[JOBS].run_due() == 1  # the notice; its email waits for the week
    notice_mail = col(DueJob.kind) == "mail", col(DueJob.dedupe_key) != "mail:review"
    [mail_job] = await rows(app, DueJob, *notice_mail)
    assert aware(mail_job.due_at) == sent[0] + timedelta(days=7)
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 0


@pytest.fixture
def notices_off(settings, tmp_path):
    """The shop's policies with the delay notice turned off in engagement.yml."""
    folder = tmp_path / "policies"
    shutil.copytree(settings.policies_dir, folder)
    rules = (folder / "engagement.yml").read_text()
    marked = "  delay_notice:\n    on: true"
    assert marked in rules
    (folder / "engagement.yml").write_text(rules.replace(marked, "  delay_notice:\n    on: false"))
    settings.policies_dir = folder


async def test_nothing_goes_out_when_the_merchant_turned_the_notice_off(
    notices_off, shop, smtp_server
):
    order = await add_order(
        shop.app, "30023", email="noor@example.nl", country="NL", estimate=date(2026, 11, 20)
    )
    await deliver(shop, event_body(order))
    assert await shop.app[JOBS].run_due() == 1
    [job] = await rows(shop.app, DueJob)
    assert job.outcome == "done without sending: delay notices are off in engagement.yml"
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 0
