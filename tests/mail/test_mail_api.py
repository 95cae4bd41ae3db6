"""The mail doors over HTTP: bad, tampered and expired unsubscribe links and odd bodies are 4xx
with a code, never a 500; the outbox (the embedded default) and the dead jobs are for admins,
and a dead job can be queued again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from helpdesk.app import create_app
from helpdesk.database import DB
from helpdesk.jobs import queue
from helpdesk.jobs.context import JOBS
from helpdesk.mail import tokens
from helpdesk.mail.models import MailSuppression
from helpdesk.mail.service import MailRequest, enqueue_mail
from helpdesk.web.keys import CLOCK, SETTINGS
from tests.support.agent_clients import AgentClient, add_agent

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
PATH = "/mail/unsubscribe"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def shop(aiohttp_client, settings, fake_bot, detector, translator, clock):
    settings.jobs_poll_seconds = 3600  # the tests run the due jobs themselves
    return await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )


def token(app, *, days_ago: int = 0, email: str = "ana@example.com") -> str:
    key = app[SETTINGS].unsubscribe_secret
    return tokens.sign(
        key, email, "review_request", "it", now=app[CLOCK].now() - timedelta(days=days_ago)
    )


async def agents(shop) -> tuple[AgentClient, AgentClient]:
    await add_agent(shop.app, "admin@shop.example", role="admin")
    await add_agent(shop.app, "agent@shop.example")
    base = shop.make_url("/")
    return (
        await AgentClient.logged_in(base, "admin@shop.example"),
        await AgentClient.logged_in(base, "agent@shop.example"),
    )


BAD_LINKS = ["", "?t=", "?t=abc", "?t=" + "a" * 5000, "?t=%00%00.%00", "?t=a.b.c", "?t=%E2%82%AC.x"]


async def test_a_bad_link_is_a_400_with_a_code(shop):
    for query in [*BAD_LINKS, "?t[]=1"]:
        for method in ("GET", "POST"):
            response = await shop.request(
                method, PATH + query, data="List-Unsubscribe=One-Click", headers=FORM
            )
            assert response.status == 400, (method, query, await response.text())
            assert (await response.json())["code"] == "bad_unsubscribe_token"


async def test_a_tampered_link_is_refused_and_an_old_one_has_expired(shop):
    good = token(shop.app)
    body, mac = good.split(".")
    forged = token(shop.app, email="bob@example.com").split(".")[0]
    response = await shop.post(
        f"{PATH}?t={forged}.{mac}", data="List-Unsubscribe=One-Click", headers=FORM
    )
    assert response.status == 400
    old = token(shop.app, days_ago=401)
    for method in ("GET", "POST"):
        response = await shop.request(
            method, f"{PATH}?t={old}", data="List-Unsubscribe=One-Click", headers=FORM
        )
        assert response.status == 410
        assert (await response.json())["code"] == "unsubscribe_link_expired"


ODD_BODIES = [
    ("", 400, "one_click_expected"),
    ("List-Unsubscribe=Maybe", 400, "one_click_expected"),
    ('{"List-Unsubscribe": 1}', 400, "one_click_expected"),
    ("\x00" * 100, 400, "one_click_expected"),
    ("x" * 100_000, 413, "too_large"),
]


async def test_a_post_without_the_one_click_body_changes_nothing(shop):
    for body, status, code in ODD_BODIES:
        response = await shop.post(f"{PATH}?t={token(shop.app)}", data=body, headers=FORM)
        assert response.status == status, body[:30]
        assert (await response.json())["code"] == code
    async with shop.app[DB].session() as session:
        assert (await session.exec(select(MailSuppression))).all() == []


async def test_the_page_is_in_the_shoppers_language_and_escapes_the_address(shop):
    link = token(shop.app, email="<b>ana</b>@example.com")
    page = await (await shop.get(f"{PATH}?t={link}")).text()
    assert 'lang="it"' in page and "Vuoi che &lt;b&gt;ana&lt;/b&gt;@example.com" in page
    assert "<b>ana" not in page
    assert 'name="List-Unsubscribe" value="One-Click"' in page


async def test_without_smtp_the_emails_wait_in_the_outbox_for_admins_to_read(shop):
    app = shop.app
    now = app[CLOCK].now()
    async with app[DB].session() as session:
        request = MailRequest(
            to="ana@example.com",
            kind="shipped_thank_you",
            lang="es",
            variables={
                "name": "Ana",
                "order_number": "AN-7",
                "tracking_url": "https://t.example/7",
            },
        )
        await enqueue_mail(session, request, due_at=now, dedupe_key="shipped:AN-7", now=now)
        await session.commit()
    assert await app[JOBS].run_due() == 1
    admin, agent = await agents(shop)
    try:
        listing = await admin.ok("GET", "/api/agent/mail/outbox")
        assert listing["enabled"] is True
        [item] = listing["items"]
        assert (item["to"], item["subject"], item["kind"]) == (
            "ana@example.com",
            "Tu pedido AN-7 está en camino",
            "shipped_thank_you",
        )
        email = await admin.ok("GET", f"/api/agent/mail/outbox/{item['name']}")
        assert "Gracias por tu pedido AN-7" in email["text"] and "<p>" in email["html"]
        assert email["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        for name in ("nothing.eml", "..%2F..%2Fhelpdesk.db", "%00", "x" * 300):
            response = await admin.get(f"/api/agent/mail/outbox/{name}")
            assert response.status == 404, name
            assert (await response.json())["code"] in ("email_not_found", "not_found")

        assert (await agent.get("/api/agent/mail/outbox")).status == 403
        assert (await agent.get("/agent/mail")).status == 403
        assert (await admin.get("/agent/mail")).status == 200
        assert (await shop.get("/api/agent/mail/outbox")).status == 401
        anonymous = await shop.get("/agent/mail", allow_redirects=False)
        assert anonymous.status == 303 and anonymous.headers["Location"] == "/agent"
        assert (await admin.get("/agent/mail/static/mail.js")).status == 200
        assert (await admin.get("/agent/mail/static/..%2Fsecrets.js")).status == 404
    finally:
        await admin.close()
        await agent.close()


async def test_admins_see_the_dead_jobs_and_queue_them_again(shop):
    app = shop.app
    now = app[CLOCK].now()
    async with app[DB].session() as session:
        await queue.enqueue(
            session, kind="mail", payload={"to": "x"}, due_at=now, dedupe_key="broken", now=now
        )
        await session.commit()
    await app[JOBS].run_due()
    admin, agent = await agents(shop)
    try:
        [job] = (await admin.ok("GET", "/api/agent/jobs/dead"))["jobs"]
        assert (job["kind"], job["state"], job["attempts"]) == ("mail", "dead", 1)
        assert "kind: Field required" in job["last_error"]

        assert (await agent.get("/api/agent/jobs/dead")).status == 403
        assert (await agent.post(f"/api/agent/jobs/{job['id']}/requeue")).status == 403
        no_csrf = await admin.post(f"/api/agent/jobs/{job['id']}/requeue", **{"X-CSRF-Token": ""})
        assert no_csrf.status == 403
        for bad, status, code in [
            ("abc", 400, "bad_request"),
            ("-1", 400, "bad_request"),
            ("0", 400, "bad_request"),
            ("99999999999", 400, "bad_request"),
            ("4242", 404, "job_not_found"),
        ]:
            response = await admin.post(f"/api/agent/jobs/{bad}/requeue")
            assert response.status == status, bad
            assert (await response.json())["code"] == code

        again = await admin.ok("POST", f"/api/agent/jobs/{job['id']}/requeue")
        assert (again["state"], again["attempts"]) == ("due", 0)
        conflict = await admin.post(f"/api/agent/jobs/{job['id']}/requeue")
        assert conflict.status == 409 and (await conflict.json())["code"] == "job_not_dead"
        assert (await admin.ok("GET", "/api/agent/jobs/dead"))["jobs"] == []
    finally:
        await admin.close()
        await agent.close()
