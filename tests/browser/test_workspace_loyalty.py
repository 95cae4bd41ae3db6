"""The loyalty account beside a conversation in the agent workspace, in a real headless Chromium:
hidden until the shopper proves who they are, then the balance, the tier's title in the agent's
language, the points expiring soon and the referral code; a proved customer without an account is told apart."""

from __future__ import annotations

from datetime import date

from playwright.async_api import expect

from helpdesk.database import DB
from helpdesk.orders.models import LoyaltyAccount, VerificationAttempt
from tests.browser.test_workspace import (  # noqa: F401 - fixtures
    add_agent,
    log_in,
    open_workspace,
    server,
    settings,
    shop,
    shopper_escalating,
)


async def signed_in(app, conversation_id: str, email: str, **account) -> None:
    """The shopper proved to be `email` (a sign-in, as the widget records it), who has the
    loyalty account `account` (none when empty)."""
    async with app[DB].session() as session:
        session.add(
            VerificationAttempt(
                conversation_id=conversation_id, method="identity", succeeded=True, email=email
            )
        )
        if account:
            session.add(LoyaltyAccount(email=email, country="NL", **account))
        await session.commit()


async def test_the_agent_sees_points_expiring_soon_and_the_referral_code_once_proved(
    open_workspace,  # noqa: F811
    server,  # noqa: F811
    shop,  # noqa: F811
    screenshot_dir,
):
    await add_agent(server, "ana@shop.example", "Ana")
    agent = await open_workspace()
    page = agent.page
    await log_in(agent, "ana@shop.example")
    shopper, socket = await shopper_escalating(shop, "a person please")
    await page.locator("#queued .item").first.click()
    loyalty = page.locator("#context .context-section", has_text="Loyalty")
    await expect(loyalty).to_contain_text(
        "Shown once the shopper proves who they are: an order number with its email or postal "
        "code, or signing in to the shop."
    )
    await expect(loyalty.locator("dl")).to_have_count(0)

    # The shopper signs in; the next time the conversation is shown (here: claimed) it is there.
    await signed_in(
        server.app,
        shopper.session_id,
        "emma@example.com",
        balance=1250,
        # Today is 18 Nov 2026: 24 months after this, within engagement.yml's 30 days.
        last_activity=date(2024, 12, 10),
        referral_code="K7M2QX9P",
    )
    await page.locator("#claim").click()
    await expect(page.locator("#conversation-state")).to_contain_text("With Ana")
    await expect(loyalty.locator("dl")).to_contain_text("Points1,250")
    facts = dict(
        zip(
            await loyalty.locator("dt").all_inner_texts(),
            await loyalty.locator("dd").all_inner_texts(),
            strict=True,
        )
    )
    assert facts == {
        "Points": "1,250",
        "Tier": "Member",  # loyalty.yml's title, not the tier's name
        "Points expire on": "Dec 10, 2026",  # the agent's language: en
        "Referral code": "K7M2QX9P",
        "Referral link": "https://atelier-nord.example/invite/K7M2QX9P",
    }
    await expect(loyalty.locator(".warning")).to_have_text(
        "Expiring soon: the whole balance (1,250) expires on Dec 10, 2026 unless the shopper "
        "earns or spends points before then."
    )
    await page.screenshot(path=screenshot_dir / "workspace-loyalty.png")
    agent.assert_nothing_ran()
    await socket.close()


async def test_a_proved_customer_without_an_account_and_one_without_a_code_yet(
    open_workspace,  # noqa: F811
    server,  # noqa: F811
    shop,  # noqa: F811
):
    await add_agent(server, "ana@shop.example", "Ana", languages=["de", "en"])
    agent = await open_workspace(locale="de-DE")
    page = agent.page
    await log_in(agent, "ana@shop.example")
    no_account, first = await shopper_escalating(shop, "a person please")
    await signed_in(server.app, no_account.session_id, "new@example.com")
    await page.locator("#queued .item").first.click()
    loyalty = page.locator("#context .context-section", has_text="Treueprogramm")
    await expect(loyalty).to_contain_text("Dieser Kunde hat kein Treuekonto.")

    member, second = await shopper_escalating(shop, "a person please")
    await signed_in(server.app, member.session_id, "lukas@example.com", balance=80)
    await page.goto(str(server.make_url(f"/agent#{member.session_id}")))
    await page.reload()  # opens the conversation of the address
    await expect(loyalty.locator("dl")).to_contain_text("Punkte80")
    await expect(loyalty.locator("dl")).to_contain_text("StufeMitglied")  # in Ana's German
    await expect(loyalty.locator("dl")).to_contain_text(
        "EinladungscodeNoch keiner (der Assistent vergibt einen, wenn der Kunde danach fragt)"
    )
    await expect(loyalty.locator("dl")).not_to_contain_text("Punkte verfallen am")  # no activity
    await expect(loyalty.locator(".warning")).to_have_count(0)
    agent.assert_nothing_ran()
    for socket in (first, second):
        await socket.close()
