"""A person who clicks a bad or expired unsubscribe link gets a small page in their browser's
language (JSON stays for API callers and mail clients); opening a good link is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from helpdesk.app import create_app
from helpdesk.database import DB
from helpdesk.mail import tokens
from helpdesk.mail.models import MailEvent, MailRecord, MailSuppression
from helpdesk.web.keys import CLOCK, SETTINGS

PATH = "/mail/unsubscribe"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
async def shop(aiohttp_client, settings, fake_bot, detector, translator, clock):
    settings.jobs_poll_seconds = 3600
    return await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )


def token(app, *, days_ago: int = 0) -> str:
    return tokens.sign(
        app[SETTINGS].unsubscribe_secret,
        "Ana@Example.com",
        "review_request",
        "it",
        now=app[CLOCK].now() - timedelta(days=days_ago),
    )


@pytest.mark.parametrize(
    ("query", "status", "language", "words"),
    [
        ("?t=abc", 400, "de-DE,de;q=0.9", "Dieser Abmeldelink ist ungültig"),
        ("?t=", 400, "fr", "Ce lien de désinscription n&#x27;est pas valide"),
        ("old", 410, "es-ES", "Este enlace para darse de baja ha caducado"),
        ("?t=a.b.c", 400, "nl,ja", "This unsubscribe link is not valid"),
    ],
)
async def test_a_browser_gets_a_page_in_its_language(shop, query, status, language, words):
    if query == "old":
        query = f"?t={token(shop.app, days_ago=401)}"
    for method in ("GET", "POST"):
        response = await shop.request(
            method,
            PATH + query,
            data="List-Unsubscribe=One-Click",
            headers={
                "Accept": BROWSER,
                "Accept-Language": language,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        assert response.status == status
        assert response.content_type == "text/html"
        page = await response.text()
        assert words in page and "<script" not in page
        assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_an_api_caller_still_gets_json(shop):
    response = await shop.get(PATH + "?t=abc", headers={"Accept": "application/json"})
    assert response.status == 400
    assert (await response.json())["code"] == "bad_unsubscribe_token"
    response = await shop.get(PATH + "?t=abc")  # no Accept at all: a mail client, a script
    assert response.status == 400 and response.content_type == "application/json"


async def test_opening_a_good_link_is_recorded_and_changes_nothing(shop):
    response = await shop.get(f"{PATH}?t={token(shop.app)}", headers={"Accept": BROWSER})
    assert response.status == 200
    async with shop.app[DB].session() as session:
        [record] = (await session.exec(select(MailRecord))).all()
        assert (record.event, record.recipient, record.message_kind, record.lang) == (
            MailEvent.UNSUBSCRIBE_OPENED,
            "ana@example.com",
            "review_request",
            "it",
        )
        assert (await session.exec(select(MailSuppression))).all() == []
