"""The insights dashboard in a real headless Chromium, on ten known conversations (those of
tests/insights/support_scene.py): an admin finds it from the workspace, reads the KPIs, filters,
opens the conversations behind a figure and exports CSV, from the mouse and from the keyboard; an
agent who is no admin is refused."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.async_api import expect

from tests.insights.support_scene import SCRIPT, Helpdesk, live_through_the_week
from tests.support.agent_clients import PASSWORD, add_agent
from tests.support.fakes import FakeBot

pytestmark = pytest.mark.usefixtures("quick_password_hashing")
LAPTOP = {"width": 1366, "height": 900}
WEEK = "from=2026-11-16&to=2026-11-22"  # Monday to Sunday: the ten conversations' week


@pytest.fixture
async def helpdesk(aiohttp_server, aiohttp_client, settings, detector, translator, tmp_path, port):
    """The week lived through, seen ten days after it began (so every figure is final)."""
    settings.port = port  # the page's origin must be the service's own
    app, clock = Helpdesk.built(settings, detector, translator, tmp_path, FakeBot(SCRIPT))
    server = await aiohttp_server(app, port=port)
    helpdesk = Helpdesk(await aiohttp_client(server), clock)
    ids = await live_through_the_week(helpdesk)
    helpdesk.at(10, 12)
    helpdesk.ids = ids  # type: ignore[attr-defined]
    helpdesk.base = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    return helpdesk


async def logged_in(browser, helpdesk, email: str, **viewport):
    """A page of the workspace, logged in as `email` through the login form."""
    context = await browser.new_context(
        viewport=viewport or LAPTOP, locale="en-GB", accept_downloads=True
    )
    page = await context.new_page()
    await page.goto(f"{helpdesk.base}/agent/insights")  # without a session: off to log in
    await expect(page.locator("#login-email")).to_be_visible()
    assert page.url == f"{helpdesk.base}/agent"
    await page.fill("#login-email", email)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#workspace")).to_be_visible()
    return page


async def test_an_admin_reads_filters_drills_down_and_exports(browser, helpdesk, screenshot_dir):
    await add_agent(helpdesk.app, "olga@shop.example", role="admin", name="Olga")
    page = await logged_in(browser, helpdesk, "olga@shop.example")
    await page.click("#insights-link")
    await expect(page.locator("#report")).to_be_visible()
    await page.goto(f"{helpdesk.base}/agent/insights?{WEEK}&period=day")
    tiles = page.locator("#tiles .tile")
    await expect(tiles.filter(has_text="Automation rate")).to_contain_text("60%")
    await expect(tiles.filter(has_text="Conversations").locator(".value")).to_have_text("10")
    await expect(tiles.filter(has_text="Hand-over rate")).to_contain_text("3 of 10")
    await expect(tiles.filter(has_text="Reopen rate")).to_contain_text("1 of 9")
    await expect(tiles.filter(has_text="CSAT")).to_contain_text("66.7%")
    await expect(tiles.filter(has_text="CSAT")).to_contain_text("2 of 3")
    first_reply = tiles.filter(has_text="First human reply")
    await expect(first_reply.locator(".value")).to_have_text("6 min")  # the median of 3, 6, 10
    # One row per day with conversations: only Wednesday.
    await expect(page.locator("#periods tbody tr")).to_have_count(1)
    await expect(page.locator("#periods tbody tr")).to_contain_text(
        "Nov 18, 2026"
    )  # English: en-US conventions
    for chart in ("#rates-chart", "#retention-chart"):
        width = await page.locator(chart).evaluate("image => image.naturalWidth")
        assert width > 0, f"{chart} did not load"
    await page.screenshot(path=str(screenshot_dir / "insights.png"), full_page=True)

    # The three conversations behind the hand-over rate, each a link to the workspace.
    handed_over = tiles.filter(has_text="Hand-over rate").get_by_role("button", name="3")
    await handed_over.click()
    dialog = page.locator("#behind")
    await expect(dialog).to_be_visible()
    await expect(page.locator("#behind-count")).to_have_text("3 conversations")
    links = page.locator("#behind-table tbody a")
    await expect(links).to_have_count(3)
    expected = {helpdesk.ids[name] for name in ("quick", "lost", "late")}
    hrefs = {
        (await link.get_attribute("href")).removeprefix("/agent#") for link in await links.all()
    }
    assert hrefs == expected
    await expect(page.locator("#behind-more")).to_be_hidden()  # 3 fit on one page
    await page.screenshot(path=str(screenshot_dir / "insights-behind.png"))
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    assert await handed_over.evaluate("button => button === document.activeElement")

    # From the keyboard: split by team, then open the conversations behind a group's figure.
    await page.focus("#by")
    await page.select_option("#by", "team")
    await page.keyboard.press("Tab")  # to Count times in
    await page.keyboard.press("Tab")  # to Show
    await page.keyboard.press("Enter")
    groups = page.locator("#groups tbody tr")
    await expect(groups).to_have_count(2)
    assert "by=team" in page.url
    eu = groups.filter(has_text="eu")
    await expect(eu).to_contain_text("3")
    await expect(groups.filter(has_text="none")).to_contain_text("7")
    width = await page.locator("#groups-chart").evaluate("image => image.naturalWidth")
    assert width > 0
    eu_conversations = eu.get_by_role("button").first
    await eu_conversations.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#behind-count")).to_have_text("3 conversations")
    await expect(page.locator("#behind-heading")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(eu_conversations).to_be_focused()

    # Each table exports its figures as CSV.
    async with page.expect_download() as download:
        await page.click("#summary-csv")
    exported = await (await download.value).path()
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    assert [(row["conversations"], row["automated"], row["handed_over"]) for row in rows] == [
        ("10", "6", "3")
    ]
    async with page.expect_download() as download:
        await page.click("#groups-csv")
    exported = await (await download.value).path()
    lines = io.StringIO(exported.read_text(encoding="utf-8"))
    teams = {row["group"]: row["conversations"] for row in csv.DictReader(lines)}
    assert teams == {"eu": "3", "none": "7"}

    # Going back shows the view before the split; a backwards range says what to fix.
    await page.go_back()
    await expect(page.locator("#groups-section")).to_be_hidden()
    await page.fill("#from", "2026-11-22")
    await page.fill("#to", "2026-11-16")
    await page.click("#apply")
    await expect(page.locator("#error")).to_contain_text("give from <= to")
    await expect(tiles.filter(has_text="Conversations").locator(".value")).to_have_text("10")


async def test_a_french_admin_reads_numbers_and_days_the_french_way(browser, helpdesk):
    await add_agent(helpdesk.app, "zoe@shop.example", role="admin", languages=("fr",))
    page = await logged_in(browser, helpdesk, "zoe@shop.example")
    await page.goto(f"{helpdesk.base}/agent/insights?{WEEK}&period=day")
    tiles = page.locator("#tiles .tile")
    await expect(page.locator("h1")).to_have_text("Analyses du service client")
    csat = tiles.filter(has_text="CSAT").locator(".value")
    await expect(csat).to_have_text("66,7\u202f%")
    await expect(page.locator("#periods tbody tr")).to_contain_text("18 nov. 2026")


async def test_an_agent_who_is_no_admin_is_refused_in_their_language(browser, helpdesk):
    await add_agent(helpdesk.app, "kai@shop.example", languages=("de",))
    page = await logged_in(browser, helpdesk, "kai@shop.example")
    await expect(page.locator("#insights-link")).to_be_hidden()
    response = await page.goto(f"{helpdesk.base}/agent/insights")
    assert response.status == 403
    await expect(page.locator("[role=alert]")).to_contain_text("Admin")
    assert await page.locator("html").get_attribute("lang") == "de"
    api = await page.request.get(f"{helpdesk.base}/api/agent/insights/support")
    assert api.status == 403
    chart = await page.request.get(f"{helpdesk.base}/api/agent/insights/charts/rates")
    assert chart.status == 403
