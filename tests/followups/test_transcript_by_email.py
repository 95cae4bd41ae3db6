"""The transcript by email, end to end at a real SMTP server: the widget asks with its token; the
shopper's, the bot's and the agent's messages arrive with their times, in the conversation's
language, escaped in the HTML part, agents' notes left out; the conversation shows the notice
live; an address the shopper did not type is told masked; the limits per conversation and per
address, unsubscribed addresses and bad requests."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from helpdesk.chat.models import Conversation, Message, Sender
from helpdesk.database import DB
from helpdesk.jobs.context import JOBS
from helpdesk.mail import records
from helpdesk.orders.verification import Proof, verify_order
from helpdesk.web.keys import CLOCK
from tests.conftest import open_session
from tests.delays.shop import add_order
from tests.followups.orders import emails, jobs

CASES = [
    ("en", "Hello, where is my order? I bought it last week and nothing came.",
     "Your conversation with Atelier Nord", "You", "on its way to"),
    ("es", "Hola, ¿dónde está mi pedido? Lo compré la semana pasada y no ha llegado nada.",
     "Tu conversación con Atelier Nord", "Tú", "va de camino a"),
    ("fr", "Bonjour, où est ma commande ? Je l'ai achetée la semaine dernière et rien n'est arrivé.",
     "Votre conversation avec Atelier Nord", "Vous", "est en route vers"),
]  # fmt: skip


def path(shopper) -> str:
    return f"/api/chat/sessions/{shopper.session_id}/transcript"


async def agent_said(app, conversation_id: str, text: str, *, internal: bool = False) -> None:
    async with app[DB].session() as session:
        session.add(
            Message(
                conversation_id=conversation_id,
                sender=Sender.AGENT,
                text=text,
                author="Ana",
                internal=internal,
                created_at=app[CLOCK].now(),
            )
        )
        await session.commit()


async def known_email(app, conversation_id: str, email: str) -> None:
    async with app[DB].session() as session:
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        conversation.contact_email = email
        session.add(conversation)
        await session.commit()


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize(("lang", "said", "subject", "you", "notice"), CASES)
async def test_the_widget_asks_and_the_transcript_arrives_in_the_conversations_language(
    shop, smtp_server, lang, said, subject, you, notice
):
    app, clock = shop.app, shop.app[CLOCK]
    shopper = await open_session(shop, lang)
    await shopper.say(said)
    clock.set(clock.now() + timedelta(minutes=2))
    await agent_said(app, shopper.session_id, "Ana here: <b>it ships</b> today & arrives Friday")
    await agent_said(app, shopper.session_id, "internal: customer seems upset", internal=True)
    await known_email(app, shopper.session_id, "Shopper@Example.com")
    socket = await shopper.socket()

    answer = await shop.post(path(shopper), headers=shopper.auth)
    assert answer.status == 202, await answer.text()
    body = await answer.json()
    assert body["email"] == "s•••@example.com"  # known, not typed: masked
    assert body["notice"]["kind"] == "notice" and notice in body["notice"]["text"]
    assert "s•••@example.com" in body["notice"]["text"]
    event = await socket.receive_json(timeout=10)
    assert event["type"] == "message" and event["message"]["id"] == body["notice"]["id"]
    await socket.close()
    assert body["notice"] in await shopper.transcript()

    assert await app[JOBS].run_due() == 1  # at once: no quiet hours for what was asked for
    [email] = await emails(smtp_server, 1)
    assert email["Subject"] == subject and email["To"] == "shopper@example.com"
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert said in text and f"{you}:" in text and "Ana (Atelier Nord):" in text
    assert "<b>it ships</b> today & arrives Friday" in text
    assert "&lt;b&gt;it ships&lt;/b&gt; today &amp; arrives Friday" in html
    assert "<b>it ships" not in html
    assert "internal" not in text and "upset" not in html
    assert "18" in text and "10:3" in text  # when each was said, Amsterdam time
    async with app[DB].session() as session:
        assert await records.sent_since(session, "shopper@example.com", clock.now()) == []


async def stored_messages(app, conversation_id: str) -> list[Message]:
    async with app[DB].session() as session:
        query = select(Message).where(col(Message.conversation_id) == conversation_id)
        return list((await session.exec(query)).all())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_order_proved_by_its_postal_code_does_not_tell_whose_address_it_is(
    shop, smtp_server
):
    """Whoever holds an order's number and postal code may have the chat mailed to the order's
    owner, but learns only 'l•••@example.com', in the answer and in the conversation."""
    app, clock = shop.app, shop.app[CLOCK]
    order = await add_order(
        app, "40077", email="Lucia.Owner@Example.com", country="NL", estimate=date(2026, 11, 25)
    )
    shopper = await open_session(shop, "en")
    await shopper.say("where is my order 40077?")
    async with app[DB].session() as session:
        proof = Proof(order.number, postal_code="1011 ab")
        assert await verify_order(session, shopper.session_id, proof, now=clock.now())

    answer = await shop.post(path(shopper), headers=shopper.auth)
    assert answer.status == 202, await answer.text()
    body = await answer.json()
    assert body["email"] == "l•••@example.com"
    assert body["notice"]["text"] == (
        "The transcript of this conversation is on its way to l•••@example.com."
    )
    said = await shopper.transcript()  # what the widget shows, now or after a reload
    assert body["notice"] in said
    # The workspace renders the notice in each agent's language from the stored variables.
    stored = await stored_messages(app, shopper.session_id)
    assert any(m.template_vars == {"email": "l•••@example.com"} for m in stored)
    for seen in (await answer.text(), json.dumps(said), repr(stored)):
        assert "lucia.owner" not in seen.lower()

    assert await app[JOBS].run_due() == 1
    [email] = await emails(smtp_server, 1)
    assert email["To"] == "lucia.owner@example.com"  # the owner gets it, in full

    # Typed by the shopper in the request: told back as typed (trimmed, in small letters).
    typed = await shop.post(
        path(shopper), headers=shopper.auth, json={"email": " Lucia.Owner@Example.com "}
    )
    assert typed.status == 202, await typed.text()
    body = await typed.json()
    assert body["email"] == "lucia.owner@example.com"
    assert body["notice"]["text"].endswith("on its way to lucia.owner@example.com.")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_address_given_and_the_limits_per_conversation_and_per_address(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    shopper = await open_session(shop, "en")
    none_known = await shop.post(path(shopper), headers=shopper.auth)
    assert none_known.status == 400 and (await none_known.json())["code"] == "email_needed"
    for _ in range(3):
        answer = await shop.post(
            path(shopper), headers=shopper.auth, json={"email": "a@example.com"}
        )
        assert answer.status == 202, await answer.text()
    fourth = await shop.post(path(shopper), headers=shopper.auth, json={"email": "b@example.com"})
    assert fourth.status == 429 and int(fourth.headers["Retry-After"]) > 23 * 3600
    # Another chat cannot mail a fourth to the same address either.
    other = await open_session(shop, "en")
    answer = await shop.post(path(other), headers=other.auth, json={"email": " A@Example.com "})
    assert answer.status == 429
    assert await app[JOBS].run_due() == 3
    assert len(await emails(smtp_server, 3)) == 3
    clock.set(clock.now() + timedelta(days=1, seconds=1))
    answer = await shop.post(path(shopper), headers=shopper.auth, json={"email": "b@example.com"})
    assert answer.status == 202


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_bad_requests_and_an_unsubscribed_address_are_refused_and_nothing_is_sent(
    shop, smtp_server
):
    app, clock = shop.app, shop.app[CLOCK]
    shopper = await open_session(shop, "en")
    async with app[DB].session() as session:
        await records.suppress(session, "gone@example.com", at=clock.now(), kind="review_request")
        await session.commit()
    gone = await shop.post(path(shopper), headers=shopper.auth, json={"email": "Gone@example.com"})
    assert gone.status == 409 and (await gone.json())["code"] == "email_unsubscribed"
    bad_bodies = [
        {"email": "not an address"}, {"email": "a@b.c\r\nBcc: x@y.com"}, {"email": 5},
        {"email": "a@example.com", "cc": "b@example.com"}, {"email": "a\u0000@example.com"},
        {"email": "x" * 400 + "@example.com"}, {"email": "a,b@example.com"}, [],
    ]  # fmt: skip
    for body in bad_bodies:
        answer = await shop.post(path(shopper), headers=shopper.auth, json=body)
        assert answer.status == 400, body
    surrogate = await shop.post(
        path(shopper),
        headers={**shopper.auth, "Content-Type": "application/json"},
        data=b'{"email": "\\ud800@example.com"}',
    )
    assert surrogate.status == 400
    assert (await shop.post(path(shopper))).status == 401
    other = await open_session(shop, "en")
    assert (await shop.post(path(other), headers=shopper.auth)).status == 404
    assert await app[JOBS].run_due() == 0
    assert smtp_server.mailbox.count() == 0
    assert await jobs(app, "mail") == []
