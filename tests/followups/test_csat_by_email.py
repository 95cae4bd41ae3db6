"""The CSAT question by email, end to end at a real SMTP server with the clock moved: a conversation
resolved and left unrated gets, once, an email after csat_by_email.after_days with a link to the
rating page, in the conversation's language; the page records the rating where the widget's
lands (the conversation and its event log). Unrated-but-rated-meanwhile, unsubscribed, no email
and the weekly cap send nothing (yet)."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlmodel import col, select

from helpdesk.chat.models import Conversation, ConversationState
from helpdesk.clock import aware
from helpdesk.database import DB
from helpdesk.followups import csat
from helpdesk.followups.jobs import FOLLOWUP_JOB
from helpdesk.insights.events import ConversationEvent
from helpdesk.jobs.context import JOBS
from helpdesk.mail import records
from helpdesk.mail.models import MailEvent, MailRecord
from helpdesk.orders.models import VerificationAttempt
from helpdesk.policies.watch import POLICIES
from helpdesk.web.keys import CLOCK
from tests.conftest import open_session
from tests.followups.orders import emails, jobs

HTML = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "en"}
LINK = re.compile(r"https?://[^\s<>\"]+/mail/rate\?t=[A-Za-z0-9_.-]+")
CASES = [
    ("en", "How did we do?", "Rate your conversation", "Thank you: your rating is in."),
    ("fr", "Comment s'est passé notre échange ?", "Notez votre conversation",
     "Merci : votre note est enregistrée."),
    ("de", "Wie waren wir?", "Gespräch bewerten", "Danke: Ihre Bewertung ist angekommen."),
    ("zh", "我们的服务怎么样？", "为您的对话评分", "谢谢：我们已收到您的评分。"),
]  # fmt: skip


async def resolved(shop, lang: str, *, email: str | None = "Shopper@Example.com", proof=False):
    """A conversation in `lang`, resolved now; the shopper left `email` in the chat, or (proof)
    proved an order placed with it."""
    shopper = await open_session(shop, lang)
    app = shop.app
    async with app[DB].session() as session:
        conversation = await session.get(Conversation, shopper.session_id)
        assert conversation is not None
        conversation.state = ConversationState.RESOLVED
        conversation.resolved_at = app[CLOCK].now()
        if proof:
            session.add(
                VerificationAttempt(
                    conversation_id=conversation.id,
                    order_number="40001",
                    method="postal_code",
                    succeeded=True,
                    email=email,
                    at=app[CLOCK].now(),
                )
            )
        else:
            conversation.contact_email = email
        session.add(conversation)
        await session.commit()
    return shopper


async def sweep_and_run(app) -> int:
    await csat.sweep_once(app[DB], app[POLICIES], app[CLOCK])
    return await app[JOBS].run_due()


async def conversation(app, conversation_id: str) -> Conversation:
    async with app[DB].session() as session:
        found = await session.get(Conversation, conversation_id)
        assert found is not None
        return found


def rating_link(email) -> str:
    text = email.get_body(("plain",)).get_content()
    [link] = LINK.findall(text)
    html = email.get_body(("html",)).get_content()
    assert link in unescape(html)
    return link[link.index("/mail/rate") :]


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize(("lang", "subject", "title", "done"), CASES)
async def test_a_resolved_conversation_left_unrated_gets_the_question_once_and_is_rated_by_the_link(
    shop, smtp_server, lang, subject, title, done
):
    app, clock = shop.app, shop.app[CLOCK]
    shopper = await resolved(shop, lang, proof=lang == "de")
    assert await sweep_and_run(app) == 0  # queued, due a day after resolving
    clock.set(clock.now() + timedelta(hours=23))
    assert await sweep_and_run(app) == 0, "the question came early"
    clock.set(clock.now() + timedelta(hours=1, minutes=1))
    assert await sweep_and_run(app) == 2  # the follow-up, then its email (10:31 is not quiet)
    [email] = await emails(smtp_server, 1)
    assert email["Subject"] == subject and email["To"] == "shopper@example.com"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = rating_link(email)

    page = await shop.get(link, headers=HTML)
    text = await page.text()
    assert page.status == 200 and title in text and f'lang="{lang}"' in text
    assert 'type="radio" name="score" value="5"' in text and "<script" not in text
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    rated = await shop.post(
        link, data={"score": "4", "comment": " <b>Quick</b> & kind "}, headers=HTML
    )
    assert rated.status == 200 and done in await rated.text()

    stored = await conversation(app, shopper.session_id)
    assert (stored.rating, stored.rating_comment) == (4, "<b>Quick</b> & kind")
    async with app[DB].session() as session:
        query = select(ConversationEvent).where(
            col(ConversationEvent.conversation_id) == shopper.session_id,
            col(ConversationEvent.kind) == "rated",
        )
        assert len((await session.exec(query)).all()) == 1
    again = await shop.post(link, data={"score": "1"}, headers=HTML)
    assert again.status == 409 and "<form" not in await again.text()
    assert (await conversation(app, shopper.session_id)).rating == 4
    clock.set(clock.now() + timedelta(days=3))
    assert await sweep_and_run(app) == 0
    assert smtp_server.mailbox.count() == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_rated_in_the_widget_meanwhile_no_email_or_an_unknown_address_send_nothing(
    shop, smtp_server
):
    app, clock = shop.app, shop.app[CLOCK]
    rated = await resolved(shop, "en", email="rated@example.com")
    nobody = await resolved(shop, "en", email=None)
    gone = await resolved(shop, "es", email="gone@example.com")
    async with app[DB].session() as session:
        await records.suppress(session, "gone@example.com", at=clock.now(), kind="review_request")
        await session.commit()
    answer = await shop.post(
        f"/api/chat/sessions/{rated.session_id}/rating", headers=rated.auth, json={"score": 5}
    )
    assert answer.status == 200
    await csat.sweep_once(app[DB], app[POLICIES], clock)
    queued = {job.payload["conversation_id"] for job in await jobs(app, FOLLOWUP_JOB)}
    assert nobody.session_id not in queued and rated.session_id not in queued
    assert gone.session_id in queued  # unsubscribed is checked when it falls due
    clock.set(clock.now() + timedelta(days=1, minutes=1))
    assert await sweep_and_run(app) == 1
    [job] = await jobs(app, FOLLOWUP_JOB)
    assert job.outcome == "done without sending: the address unsubscribed"
    assert smtp_server.mailbox.count() == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_weekly_cap_holds_the_question_back(shop, smtp_server):
    app, clock = shop.app, shop.app[CLOCK]
    await resolved(shop, "en", email="busy@example.com")
    async with app[DB].session() as session:
        for days in (1, 2, 3):  # three emails this week: the cap of engagement.yml
            at = clock.now() - timedelta(days=days)
            session.add(
                MailRecord(
                    event=MailEvent.SENT,
                    at=at,
                    recipient="busy@example.com",
                    message_kind="review_request",
                )  # fmt: skip
            )
        await session.commit()
    clock.set(clock.now() + timedelta(days=1, minutes=1))
    assert await sweep_and_run(app) == 1  # the follow-up; its email waits for the week
    [mail] = await jobs(app, "mail")
    assert aware(mail.due_at) > clock.now() + timedelta(days=1)
    assert smtp_server.mailbox.count() == 0


async def _a_link(shop, smtp_server) -> tuple[str, str]:
    shopper = await resolved(shop, "fr")
    clock = shop.app[CLOCK]
    clock.set(clock.now() + timedelta(days=1, minutes=1))
    await sweep_and_run(shop.app)
    [email] = await emails(smtp_server, 1)
    return rating_link(email), shopper.session_id


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_every_bad_rating_or_link_is_a_clear_4xx_as_a_page_or_as_json(shop, smtp_server):
    link, conversation_id = await _a_link(shop, smtp_server)
    token = link.split("t=")[1]
    body, mac = token.split(".")
    forged = f"/mail/rate?t={body[:-2]}xx.{mac}"
    for bad in (forged, "/mail/rate?t=", "/mail/rate?t=abc", "/mail/rate?t=" + "a.b" * 400,
                f"/mail/rate?t={body}.{mac[::-1]}", "/mail/rate?t=%ED%A0%80.x"):  # fmt: skip
        answer = await shop.get(bad)
        assert answer.status == 400, bad
        assert (await answer.json())["code"] == "bad_rating_link"
        page = await shop.post(bad, data={"score": "5"}, headers=HTML)
        assert page.status == 400 and "This rating link is not valid" in await page.text()

    form = "application/x-www-form-urlencoded"
    bad_forms = [
        "score=0", "score=6", "score=abc", "score=", "comment=hi", "score=%35%35",
        "score=-1", "score=4&comment=" + "x" * 2001, "score=4&comment=a%00b",
        "score=4&comment=%ED%A0%80", "score=4&comment=%FF", "score=4&comment=caf\u00e9",
    ]  # fmt: skip
    for data in bad_forms:
        answer = await shop.post(link, data=data.encode(), headers={"Content-Type": form})
        assert answer.status == 400, data
        assert (await answer.json())["code"] == "bad_rating", data
    page = await shop.post(link, data=b"score=9", headers={"Content-Type": form, **HTML})
    text = await page.text()
    assert page.status == 400 and "Choisissez une note de 1" in text and "<form" in text
    for raw in ('{"score": 0}', '{"score": "5"}', '{"score": 5, "comment": "\\u0000"}',
                '{"score": 5, "comment": "\\ud800"}', "[5]", "{", '{"score": 5, "x": 1}',
                '{"score": true}'):  # fmt: skip
        answer = await shop.post(
            link, data=raw.encode(), headers={"Content-Type": "application/json"}
        )
        assert answer.status == 400, raw
        assert (await answer.json())["code"] == "bad_rating", raw
    huge = await shop.post(
        link, data=b"score=4&comment=" + b"x" * 70_000, headers={"Content-Type": form}
    )
    assert huge.status == 413
    assert (await conversation(shop.app, conversation_id)).rating is None

    ok = await shop.post(link, json={"score": 2, "comment": "ça va"})
    assert ok.status == 200 and await ok.json() == {"score": 2, "comment": "ça va"}
    used = await shop.get(link)
    assert used.status == 409 and (await used.json())["code"] == "already_rated"
    page = await shop.get(link, headers=HTML)
    assert page.status == 409 and "Cette conversation a déjà été notée" in await page.text()

    clock = shop.app[CLOCK]
    clock.set(clock.now() + timedelta(days=31))
    expired = await shop.get(link)
    assert expired.status == 410 and (await expired.json())["code"] == "rating_link_expired"
    page = await shop.post(link, data={"score": "5"}, headers=HTML)
    assert page.status == 410 and "Ce lien de notation a expiré" in await page.text()


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
async def test_two_submissions_of_one_link_at_once_keep_the_first_rating_only(shop, smtp_server):
    link, conversation_id = await _a_link(shop, smtp_server)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answers = await asyncio.gather(
        *(shop.post(link, data=f"score={score}".encode(), headers=form) for score in (2, 5))
    )
    assert sorted(answer.status for answer in answers) == [200, 409]
    [kept] = [await answer.json() for answer in answers if answer.status == 200]
    assert (await conversation(shop.app, conversation_id)).rating == kept["score"]
    async with shop.app[DB].session() as session:
        rated = await session.exec(
            select(ConversationEvent).where(
                col(ConversationEvent.conversation_id) == conversation_id,
                col(ConversationEvent.kind) == "rated",
            )
        )
        assert len(rated.all()) == 1
