"""A real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, and a place for
the screenshots the browser tests save (var/screenshots, kept after the run for people to look at).
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from helpdesk.app import create_app
from helpdesk.settings import PROJECT_ROOT, Settings
from tests.support.rasa_server import free_port

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
async def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install Debian's chromium "
            "(sudo apt-get install chromium) or set CHROMIUM to its path"
        )
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-background-networking"],
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def port() -> int:
    """A free port for a page's server: its origin must be the service's own (settings.port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


async def serve_demo(aiohttp_server, tmp_path, bot, *, detector, translator, clock, **settings):
    """The helpdesk serving /demo on a port its settings know, so the page's origin is its own;
    `settings` are the test's own (a webhook secret, policies, no job polling)."""
    port = free_port()
    configured = Settings(
        environment="test",
        var_dir=tmp_path,
        rasa_url="http://127.0.0.1:9",
        rasa_callbacks_port=0,
        bot_startup_grace_seconds=5,
        port=port,
        identity_secret="demo-secret",
        demo_mode=True,
        **settings,
    )
    app = create_app(configured, bot=bot, detector=detector, translator=translator, clock=clock)
    return await aiohttp_server(app, port=port)
