"""The conversation by email from the widget, in a real headless Chromium against the real app:
asked for in the header with the keyboard (an address asked for, a wrong one refused, the daily
limit said), and offered when an agent or the bot resolves the conversation; each email lands in
the outbox folder (var/outbox-mail), in the conversation's language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import expect

from helpdesk.chat.api import CHAT
from helpdesk.database import DB
from helpdesk.insights.bot_resolutions import QUIET_FOR, BotResolutions
from helpdesk.jobs.context import JOBS
from helpdesk.mail.outbox import listing, one
from helpdesk.rasa.client import BotMessage
from helpdesk.web.keys import CLOCK, SETTINGS
from tests.browser.conftest import serve_demo
from tests.browser.test_widget import bubbles, open_widget, say, stored
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support
from tests.support.fakes import FakeBot

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
HANDOFF = [BotMessage(key="utter_handoff"), BotMessage(escalate={"reason": "human_handoff"})]


@pytest.fixture
async def shop(clock, aiohttp_server, tmp_path, detector, translator):
    """The helpdesk serving /demo on its own port, open around the clock, mail to the outbox."""
    bot = FakeBot(
        {
            "hi": [BotMessage(key="utter_greet")],
            "quiero hablar con una persona": HANDOFF,
            "merci beaucoup, c'est tout": [BotMessage(key="utter_goodbye")],
        }
    )
    return await serve_demo(
        aiohttp_server,
        tmp_path,
        bot,
        detector=detector,
        translator=translator,
        clock=clock,
        policies_dir=policies_with_support(tmp_path / "policies"),
        jobs_poll_seconds=3600,  # the tests send the due mail themselves
    )


@pytest.fixture
async def page(browser):
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = await context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    assert page.errors == []
    await context.close()


async def outbox(shop, count: int) -> list:
    """The emails written to var/outbox-mail once the due mail jobs ran."""
    await shop.app[JOBS].run_due()
    folder = shop.app[SETTINGS].outbox_mail_dir
    items = listing(folder)
    assert len(items) == count, items
    return [one(folder, item.name) for item in items]


def focused_id(page):
    return page.evaluate("document.activeElement.shadowRoot.activeElement.id")


async def test_asked_in_the_header_with_the_keyboard_an_address_given_then_the_limit(
    shop, page, screenshot_dir
):
    await open_widget(page, shop.make_url("/demo"))
    control = page.get_by_role("button", name="Email me this conversation")
    assert await control.count() == 0  # nothing to send before the conversation begins
    await say(page, "hi")
    await bubbles(page, "bot").first.wait_for()
    await expect(control).to_be_visible()
    assert await control.get_attribute("aria-expanded") == "false"

    result = page.locator("#mailer-result")
    assert await result.get_attribute("role") == "status"
    assert await result.get_attribute("aria-live") == "polite"
    await control.focus()
    await page.keyboard.press("Enter")
    # The chat knows no address: it asks for one, and the field has the focus.
    await expect(result).to_have_text("Which email address should we send it to?")
    assert await control.get_attribute("aria-expanded") == "true"
    assert await focused_id(page) == "mailer-email"
    field = page.get_by_label("Your email address")
    assert await field.get_attribute("autocomplete") == "email"
    await page.keyboard.type("lucia at example")
    await page.keyboard.press("Enter")
    await expect(result).to_have_text(re.compile("^That doesn't look like an email address"))
    assert await field.get_attribute("aria-invalid") == "true"
    await page.screenshot(path=screenshot_dir / "widget-transcript-bad-address.png")
    await field.fill("Lucia@Example.com")
    await page.keyboard.press("Enter")
    await expect(result).to_have_text(
        "Done: the conversation is on its way to lucia@example.com. "
        "It may take a few minutes to arrive."
    )
    assert await field.is_hidden()
    assert await focused_id(page) == "mailer-other"  # the field it was in went away
    await expect(page.locator(".log .notice")).to_have_text(
        "The transcript of this conversation is on its way to lucia@example.com."
    )

    [email] = await outbox(shop, 1)
    assert (email.to, email.subject) == ("lucia@example.com", "Your conversation with Atelier Nord")
    assert "You:\nhi" in email.text and "on its way" not in email.text  # the notice is not in it
    assert "Atelier Nord" in email.html and email.kind == "transcript"

    # Twice more to another address, then the conversation's limit for the day.
    for address in ("lucia.work@example.com", "lucia.home@example.com"):
        await page.keyboard.press("Enter")  # "Send it to another address"
        await expect(result).to_have_text("Which email address should we send it to?")
        await page.keyboard.type(address)
        await page.keyboard.press("Enter")
        await expect(result).to_contain_text(f"on its way to {address}")
    await page.keyboard.press("Enter")
    await page.keyboard.type("lucia.other@example.com")
    await page.keyboard.press("Enter")
    await expect(result).to_have_text(
        "That's as many copies as we can send today for this conversation or to this address. "
        "You can ask again in 24 hours."
    )
    await page.screenshot(path=screenshot_dir / "widget-transcript-limit.png")
    await page.keyboard.press("Escape")  # closes the form, not the chat
    assert await control.get_attribute("aria-expanded") == "false"
    assert await page.locator(".panel").is_visible()
    assert await focused_id(page) == "mail"
    assert sorted(e.to for e in await outbox(shop, 3)) == [
        "lucia.home@example.com",
        "lucia.work@example.com",
        "lucia@example.com",
    ]


async def test_offered_when_an_agent_resolves_it_to_a_signed_in_customer_in_spanish(
    shop, browser, screenshot_dir
):
    context = await browser.new_context(viewport={"width": 390, "height": 844}, locale="es-ES")
    page = await context.new_page()
    await add_agent(shop.app, "olga@shop.example", name="Olga", languages=["en", "es"])
    olga = await AgentClient.logged_in(shop.make_url("/"), "olga@shop.example")
    try:
        await open_widget(page, shop.make_url("/demo?lang=es&customer=ana.garcia@example.com"))
        await say(page, "quiero hablar con una persona")
        await page.locator("#status").filter(has_text="Esperando").wait_for()
        session = (await stored(page))["session"]
        await olga.claim(session["id"])
        await olga.reply(session["id"], "Hola Ana, ya está resuelto.")
        await olga.resolve(session["id"])

        offer = page.locator(".offer")
        await expect(offer).to_contain_text(
            "¿Quieres recibir una copia de esta conversación por correo?"
        )
        await page.screenshot(path=screenshot_dir / "widget-phone-transcript-offer.png")
        await offer.get_by_role("button", name="Envíame esta conversación por correo").click()
        # Signed in: the shop knows where to write, so nothing is asked; an address the shopper
        # did not type is told masked, in the widget and in the agents' workspace alike.
        await expect(page.locator("#mailer-result")).to_have_text(
            "Listo: la conversación va de camino a a•••@example.com. "
            "Puede tardar unos minutos en llegar."
        )
        await expect(page.locator(".log .notice").last).to_have_text(
            "La transcripción de esta conversación va de camino a a•••@example.com."
        )
        seen = await olga.conversation(session["id"])
        [notice] = [m for m in seen["messages"] if "a•••@example.com" in m["text"]]
        assert notice["translation"]["text"] == (  # Olga reads English: from the same variables
            "The transcript of this conversation is on its way to a•••@example.com."
        )
        assert "ana.garcia@" not in str(seen["messages"])
        await expect(offer).to_have_count(0)  # sent: no longer offered
        await page.reload()
        await bubbles(page, "agent").first.wait_for()
        await expect(page.locator(".stars")).to_have_count(1)
        assert await page.locator(".offer").count() == 0  # not after a reload either

        [email] = await outbox(shop, 1)
        assert (email.to, email.subject) == (
            "ana.garcia@example.com",
            "Tu conversación con Atelier Nord",
        )
        assert (
            "Tú:\nquiero hablar con una persona" in email.text
            and "Hola Ana, ya está resuelto." in email.text
        )
    finally:
        await olga.close()
        await context.close()


async def test_offered_when_the_bot_resolves_it_in_french(shop, browser):
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = await context.new_page()
    try:
        await open_widget(page, shop.make_url("/demo?lang=fr"))
        await say(page, "merci beaucoup, c'est tout")
        await bubbles(page, "bot").first.wait_for()
        clock = shop.app[CLOCK]
        clock.set(clock.now() + QUIET_FOR + timedelta(minutes=1))
        chat = shop.app[CHAT]
        resolutions = BotResolutions(
            database=shop.app[DB], outbox=chat.outbox, clock=clock, turns=chat.turns
        )
        assert await resolutions.sweep() == 1
        offer = page.locator(".offer")
        await offer.get_by_role("button", name="M'envoyer cette conversation par e-mail").click()
        await expect(page.locator("#mailer-result")).to_have_text(
            "À quelle adresse e-mail devons-nous l'envoyer ?"
        )
        await page.get_by_label("Votre adresse e-mail").fill("camille@example.fr")
        await page.keyboard.press("Enter")
        await expect(page.locator("#mailer-result")).to_contain_text(
            "en route vers camille@example.fr"
        )
        [email] = await outbox(shop, 1)
        assert (email.to, email.subject) == (
            "camille@example.fr",
            "Votre conversation avec Atelier Nord",
        )
    finally:
        await context.close()
