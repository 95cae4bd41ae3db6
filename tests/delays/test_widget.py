"""The delay notice in the widget: a shopper whose conversation proved the order and whose widget
listens gets it on the open websocket as a message from the shop, stored and logged, with no
email; once the widget is closed, the next event comes by email."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlmodel import col

from helpdesk.database import DB
from helpdesk.delays.context import DELAY_NOTICES
from helpdesk.insights.events import ConversationEvent, EventKind
from helpdesk.jobs.context import JOBS
from helpdesk.jobs.models import ClaimedJob
from helpdesk.mail.models import MailRecord
from helpdesk.orders.verification import identity_signature
from tests.conftest import listening_socket, open_session
from tests.delays.shop import add_order, delay_jobs, deliver, event_body, prove, rows


async def test_an_open_widget_gets_the_notice_live_and_a_closed_one_an_email(shop, smtp_server):
    app = shop.app
    order = await add_order(
        app, "30030", email="giulia@example.it", country="IT", estimate=date(2026, 11, 20)
    )
    shopper = await open_session(shop, "it")
    await prove(app, shopper.session_id, order, lang="it")
    socket = await shopper.socket()

    await deliver(shop, event_body(order, event_id=1, status="attempted_delivery"))
    assert await app[JOBS].run_due() == 1  # the notice alone: no email
    pushed = await socket.receive_json(timeout=10)
    assert pushed["type"] == "message"
    message = pushed["message"]
    assert message["from"] == "bot"
    assert message["text"].startswith("A proposito del tuo ordine 30030: Il corriere ha provato")
    assert "Non abbiamo ancora una nuova data di consegna" in message["text"]
    assert [button["payload"] for button in message["buttons"]] == ["/human_handoff"]
    assert message["text"] in [said["text"] for said in await shopper.transcript()]
    [logged] = await rows(
        app, ConversationEvent, col(ConversationEvent.kind) == EventKind.SHOP_MESSAGE
    )
    assert logged.conversation_id == shopper.session_id
    assert logged.detail == {
        "message": "delay_notice",
        "order": "30030",
        "reason": "attempted_delivery",
        "job": "delay_notice:30030:event:1",
    }
    # Tried again (its replica died after the message, before the job was marked done).
    [job] = await delay_jobs(app)
    async with app[DB].session() as session:
        assert job.id is not None
        again = ClaimedJob(job.id, job.kind, job.payload, job.dedupe_key, job.due_at, 2)
        outcome = await app[DELAY_NOTICES].handle_job(again, session)
    assert outcome.startswith("shown before")
    assert [said["text"] for said in await shopper.transcript()].count(message["text"]) == 1
    await asyncio.sleep(0.2)
    assert smtp_server.mailbox.count() == 0 and await rows(app, MailRecord) == []

    await socket.close()
    await asyncio.sleep(0.1)  # the server notices the widget leaving
    await deliver(shop, event_body(order, event_id=2, status="failure"))
    assert await app[JOBS].run_due() == 2  # the notice, then its email
    [email] = await asyncio.to_thread(smtp_server.mailbox.wait_for, 1)
    assert email["Subject"] == "Il tuo ordine 30030 è in ritardo"
    [record] = await rows(app, MailRecord)
    assert record.conversation_id == shopper.session_id


@pytest.fixture
def signed_in(settings):
    settings.identity_secret = "shop-identity-secret"
    return settings


async def test_a_customer_the_shop_signed_in_hears_of_any_of_their_orders(
    signed_in, shop, smtp_server, clock
):
    app = shop.app
    order = await add_order(
        app, "30031", email="lucie@example.fr", country="FR", estimate=date(2026, 11, 20)
    )
    expires = int(clock.now().timestamp()) + 3600
    response = await shop.post(
        "/api/chat/sessions",
        json={
            "locale": "fr",
            "identity": {
                "email": "Lucie@Example.fr",
                "signature": identity_signature(
                    signed_in.identity_secret, "lucie@example.fr", expires
                ),
                "expires": expires,
            },
        },
    )
    assert response.status == 201, await response.text()
    session = await response.json()
    assert session["identified"] is True
    socket = await listening_socket(shop, session["session_id"], session["token"])
    await deliver(shop, event_body(order, status="delayed"))
    assert await app[JOBS].run_due() == 1
    pushed = await socket.receive_json(timeout=10)
    assert pushed["message"]["text"].startswith("Au sujet de votre commande 30031 :")
    await socket.close()
    assert smtp_server.mailbox.count() == 0
