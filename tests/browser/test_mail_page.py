"""The shop's emails in a real headless Chromium: an admin finds the mail page from the workspace,
reads an email that would have gone out, and queues a dead job again; a shopper opens the
unsubscribe link of an email, in their language, and unsubscribes with the button."""

from __future__ import annotations

import pytest
from playwright.async_api import expect
from sqlmodel import select

from helpdesk.app import create_app
from helpdesk.database import DB
from helpdesk.jobs import queue
from helpdesk.jobs.context import JOBS
from helpdesk.mail.models import MailSuppression
from helpdesk.mail.outbox import listing, one
from helpdesk.mail.service import MailRequest, enqueue_mail
from helpdesk.web.keys import CLOCK
from tests.support.agent_clients import PASSWORD, add_agent

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
async def shop(aiohttp_server, settings, fake_bot, detector, translator, clock, port):
    settings.port = port  # the page's origin must be the service's own
    settings.jobs_poll_seconds = 3600
    app = create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    server = await aiohttp_server(app, port=port)
    now = app[CLOCK].now()
    async with app[DB].session() as session:
        request = MailRequest(
            to="lucia@example.com",
            kind="shipped_thank_you",
            lang="es",
            variables={
                "name": "Lucía",
                "order_number": "AN-42",
                "tracking_url": "https://t.example/42",
            },
        )
        await enqueue_mail(session, request, due_at=now, dedupe_key="shipped:AN-42", now=now)
        await queue.enqueue(
            session, kind="mail", payload={"to": "x"}, due_at=now, dedupe_key="broken", now=now
        )
        await session.commit()
    await app[JOBS].run_due()
    return server


async def test_an_admin_reads_the_outbox_and_requeues_a_dead_job(browser, shop, screenshot_dir):
    await add_agent(shop.app, "olga@shop.example", role="admin", name="Olga")
    base = f"http://127.0.0.1:{shop.port}"
    context = await browser.new_context(viewport=LAPTOP, locale="en-GB")
    page = await context.new_page()
    await page.goto(f"{base}/agent")
    await page.fill("#login-email", "olga@shop.example")
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await page.click("#mail-link")
    await expect(page.locator("h1")).to_have_text("The shop's emails")
    row = page.locator("#outbox tr", has_text="lucia@example.com")
    await expect(row).to_contain_text("shipped_thank_you")
    await row.get_by_role("button", name="Tu pedido AN-42 está en camino").click()
    await expect(page.locator("#email-text")).to_contain_text("Gracias por tu pedido AN-42")
    await expect(page.locator("#email-text")).to_contain_text("Darse de baja de estos correos")
    dead = page.locator("#dead tr", has_text="mail")
    await expect(dead).to_contain_text("kind: Field required")
    await page.screenshot(path=str(screenshot_dir / "mail-page.png"), full_page=True)
    await dead.get_by_role("button", name="Try again").click()
    await expect(page.locator("#dead")).to_contain_text("Nothing here.")
    await context.close()


async def test_a_shopper_unsubscribes_from_the_link_in_their_language(browser, shop, settings):
    [item] = listing(settings.outbox_mail_dir)
    link = one(settings.outbox_mail_dir, item.name).headers["List-Unsubscribe"].strip("<>")
    context = await browser.new_context(viewport={"width": 390, "height": 800}, locale="es-ES")
    page = await context.new_page()
    await page.goto(link)
    await expect(page.locator("h1")).to_have_text("Darse de baja")
    await expect(page.locator("main")).to_contain_text(
        "¿Quieres que lucia@example.com no reciba más correos de Atelier Nord?"
    )
    await page.get_by_role("button", name="Sí, darme de baja").click()
    await expect(page.locator("[role=status]")).to_have_text(
        "Hecho: lucia@example.com no recibirá más correos de Atelier Nord."
    )
    async with shop.app[DB].session() as session:
        assert (await session.exec(select(MailSuppression.email))).all() == ["lucia@example.com"]
    await context.close()
