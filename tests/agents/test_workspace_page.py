"""The workspace page: strict headers, right content types, texts in the agent's language."""

from __future__ import annotations

import re

import pytest

from helpdesk.agents.workspace_page import ASSETS, STATIC
from helpdesk.app import create_app
from helpdesk.languages.locales import Locales
from helpdesk.settings import PROJECT_ROOT

LOCALES = Locales.load(PROJECT_ROOT / "locales")
ENGLISH, SPANISH = LOCALES.texts["en"], LOCALES.texts["es"]
HTML = (STATIC / "index.html").read_text(encoding="utf-8")
# The page's script: its ES modules (and the reconnect rule it shares with the widget), as served.
SCRIPT = "\n".join(
    (folder / name).read_text(encoding="utf-8")
    for name, (folder, content_type) in ASSETS.items()
    if content_type == "text/javascript"
)


def policy(response) -> dict[str, str]:
    parts = (
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    return {name: rest for name, rest in parts}


def assert_locked_down(response) -> None:
    csp = policy(response)
    assert csp["default-src"] == "'none'"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_page_is_html_with_a_strict_policy(client):
    response = await client.get("/agent")
    assert response.status == 200
    assert response.content_type == "text/html" and response.charset == "utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert_locked_down(response)
    assert "<title" in await response.text()


@pytest.mark.parametrize("name", list(ASSETS))
async def test_script_and_style_have_their_types(client, name):
    folder, content_type = ASSETS[name]
    assert content_type == ("text/css" if name.endswith(".css") else "text/javascript")
    response = await client.get(f"/agent/static/{name}")
    assert response.status == 200
    assert response.content_type == content_type
    assert_locked_down(response)
    assert await response.read() == (folder / name).read_bytes()


@pytest.mark.parametrize("name", ["index.html", "nothing.js", "..%2F..%2Fapp.py", ".."])
async def test_nothing_else_is_served_from_the_static_folder(client, name):
    response = await client.get(f"/agent/static/{name}")
    assert response.status == 404
    assert "error" in await response.json()


async def test_strings_come_in_the_language_asked_for(client):
    response = await client.get("/agent/strings", params={"lang": "es"})
    body = await response.json()
    assert body["lang"] == "es"
    assert body["strings"]["workspace_claim"] == "Tomar"
    assert body["strings"]["intent_human_handoff"] == SPANISH["intent_human_handoff"]["text"]
    assert set(body["strings"]) == {
        key for key in ENGLISH if key.startswith(("workspace_", "insights_", "intent_"))
    }
    assert_locked_down(response)


@pytest.mark.parametrize(
    ("asked", "served"),
    [("pt-BR", "pt"), ("ZH", "zh"), ("ja", "en"), ("", "en"), ("../../etc", "en")],
)
async def test_a_browser_language_reads_as_its_base_or_falls_back_to_english(client, asked, served):
    body = await (await client.get("/agent/strings", params={"lang": asked})).json()
    assert body["lang"] == served


async def test_no_lang_means_english(client):
    body = await (await client.get("/agent/strings")).json()
    assert (body["lang"], body["strings"]["workspace_claim"]) == ("en", "Claim")


async def test_a_text_missing_in_a_language_falls_back_to_english(
    clock, aiohttp_client, settings, fake_bot, detector, translator
):
    locales = Locales(
        {
            "en": {
                "workspace_claim": {"text": "Claim"},
                "workspace_send": {"text": "Send"},
                "utter_greet": {"text": "Hi"},
            },
            "es": {"workspace_claim": {"text": "Tomar"}},
        }
    )
    client = await aiohttp_client(
        create_app(
            settings,
            bot=fake_bot,
            locales=locales,
            detector=detector,
            translator=translator,
            clock=clock,
        )
    )
    body = await (await client.get("/agent/strings", params={"lang": "es"})).json()
    assert body["strings"] == {"workspace_claim": "Tomar", "workspace_send": "Send"}


def test_the_page_runs_no_inline_script_or_style():
    scripts = re.findall(r"<script\b[^>]*>", HTML)
    assert scripts == ['<script type="module" src="/agent/static/workspace.js">']
    assert re.search(r"<script[^>]*>\s*[^<\s]", HTML) is None  # nothing between <script> tags
    assert re.search(r"\son[a-z]+\s*=", HTML) is None  # no onclick= and the like
    assert re.search(r"\sstyle\s*=|<style", HTML) is None


def test_the_script_writes_text_only():
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ):
        assert sink not in SCRIPT, sink


def test_every_text_the_page_names_exists_in_english():
    named = set(re.findall(r'data-(?:text|placeholder)="(\w+)"', HTML))
    named |= set(re.findall(r'\bt\("(workspace_\w+)"', SCRIPT))
    named |= {f"workspace_state_{state}" for state in ("queued", "with_agent", "resolved", "bot")}
    named |= {f"workspace_from_{sender}" for sender in ("shopper", "bot", "agent", "system")}
    assert named and sorted(named - set(ENGLISH)) == []
