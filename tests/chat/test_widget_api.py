"""The widget's script, its texts from locales/, and the demo shop page that embeds it."""

from __future__ import annotations

import gzip
import re
import shutil
from datetime import UTC, datetime

import pytest

from helpdesk.app import create_app
from helpdesk.chat.widget_api import composed_widget
from helpdesk.clock import SetClock
from helpdesk.languages.locales import Locales
from helpdesk.orders.verification import identity_signature
from helpdesk.settings import PROJECT_ROOT, Settings

ENGLISH = Locales.load(PROJECT_ROOT / "locales").texts["en"]
WIDGET_KEYS = {key.removeprefix("widget_") for key in ENGLISH if key.startswith("widget_")}


async def test_the_script_is_javascript_cached_and_revalidated(client):
    response = await client.get("/widget.js")
    assert response.status == 200
    assert response.content_type == "text/javascript"
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = await client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status == 304 and again.headers["ETag"] == etag
    assert (await client.get("/widget.js", headers={"If-None-Match": '"other"'})).status == 200
    assert response.headers["Content-Encoding"] in {"gzip", "deflate"}  # compressed when asked


def test_the_script_stays_small():
    raw, _ = composed_widget()  # as served: widget.js with the shared reconnect rule inlined
    # The conversation by email took it from 35.0 KB (11.4 KB compressed) to 42.5 (13.3).
    assert len(raw) < 45_000 and len(gzip.compress(raw, 9)) < 14_000


def test_the_script_never_writes_markup_from_data():
    source = composed_widget()[0].decode()
    # One constant shell goes in through innerHTML; every text after that is textContent / nodes.
    assert source.count("innerHTML") == 1 and "root.innerHTML = `<style>${CSS()}</style>" in source
    assert not re.search(
        r"outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", source
    )


async def test_every_text_the_script_uses_is_in_locales(client):
    source = composed_widget()[0].decode()
    used = set(re.findall(r'\bt\("(\w+)"', source))
    assert used and used <= WIDGET_KEYS, sorted(used - WIDGET_KEYS)


async def test_strings_in_the_shoppers_language(client):
    response = await client.get("/api/chat/strings", params={"lang": "es-MX"})
    assert response.status == 200
    body = await response.json()
    assert (body["lang"], body["strings_lang"], body["dir"]) == ("es", "es", "ltr")
    assert set(body["strings"]) == WIDGET_KEYS
    assert body["strings"]["send"] == "Enviar"
    assert body["strings"]["unread"] == "Mensajes sin leer: {count}"  # the widget fills it in
    assert {"code": "es", "name": "Español"} in body["languages"]
    assert [lang["code"] for lang in body["languages"]] == [
        "en",
        "es",
        "pt",
        "fr",
        "de",
        "it",
        "zh",
    ]


async def test_the_widget_offers_the_conversation_by_email_as_engagement_yml_says(
    aiohttp_client, settings, fake_bot, detector, translator, clock, tmp_path, client
):
    on = await (await client.get("/api/chat/strings")).json()
    assert on["transcript_by_email"] is True
    policies = shutil.copytree(PROJECT_ROOT / "policies", tmp_path / "policies")
    engagement = policies / "engagement.yml"
    written = engagement.read_text(encoding="utf-8")
    off = re.sub(r"(\n  transcript:\n    on: )true", r"\1false", written)
    assert off != written
    engagement.write_text(off, encoding="utf-8")
    settings.policies_dir = policies
    app = create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    shop = await aiohttp_client(app)
    response = await shop.get("/api/chat/strings")
    assert (await response.json())["transcript_by_email"] is False
    assert response.headers["ETag"] != (await client.get("/api/chat/strings")).headers["ETag"]


async def test_a_language_without_texts_gets_english_and_its_direction(client):
    body = await (await client.get("/api/chat/strings", params={"lang": "ar"})).json()
    assert (body["lang"], body["strings_lang"], body["dir"]) == ("ar", "en", "rtl")
    assert body["strings"]["send"] == "Send"
    assert (await (await client.get("/api/chat/strings", params={"lang": "he"})).json())[
        "dir"
    ] == "rtl"


async def test_english_by_default(client):
    body = await (await client.get("/api/chat/strings")).json()
    assert body["lang"] == "en" and body["strings"]["title"] == ENGLISH["widget_title"]["text"]


async def test_a_language_nobody_knows_gets_english_left_to_right(client):
    body = await (await client.get("/api/chat/strings", params={"lang": "zz"})).json()
    assert (body["lang"], body["strings_lang"], body["dir"]) == ("zz", "en", "ltr")


@pytest.mark.parametrize("lang", ["12", "<script>", "e", "english-please-now!", "en-" + "a" * 40])
async def test_what_is_not_a_language_is_a_400_that_says_so(client, lang):
    response = await client.get("/api/chat/strings", params={"lang": lang})
    assert response.status == 400
    assert "language" in (await response.json())["error"]


async def test_the_demo_page_embeds_the_widget_with_one_tag(client):
    response = await client.get("/demo")
    assert response.status == 200 and response.content_type == "text/html"
    page = await response.text()
    assert page.count("<script") == 1
    assert '<script src="/widget.js" data-shop="atelier-nord" async></script>' in page
    assert "Atelier Nord" in page
    css = await client.get("/demo/demo.css")
    assert css.status == 200 and css.content_type == "text/css"


async def test_the_demo_page_follows_its_lang_parameter(client):
    page = await (await client.get("/demo", params={"lang": "es"})).text()
    assert '<html lang="es"' in page
    page = await (await client.get("/demo", params={"lang": '"><script>'})).text()
    assert '<html lang="en"' in page and '"><script>' not in page


@pytest.mark.parametrize("name", ["index.html", "..%2Fapp.py", ".hidden", "missing.png"])
async def test_the_demo_serves_only_its_own_assets(client, name):
    assert (await client.get(f"/demo/{name}")).status == 404


async def test_a_demo_customer_is_signed_in_by_the_server_in_demo_mode_only(
    aiohttp_client, tmp_path, fake_bot, detector, translator
):
    now = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    for demo_mode in (True, False):
        settings = Settings(
            environment="test",
            var_dir=tmp_path,
            identity_secret="s3cret",
            rasa_callbacks_port=0,
            rasa_url="http://127.0.0.1:9",
            demo_mode=demo_mode,
        )
        client = await aiohttp_client(
            create_app(
                settings,
                bot=fake_bot,
                detector=detector,
                translator=translator,
                clock=SetClock(now),
            )
        )
        page = await (
            await client.get("/demo", params={"customer": "ana.garcia@example.com"})
        ).text()
        if not demo_mode:
            assert "data-identity" not in page
            continue
        # The clock runs on from its instant: the expiry is 12 hours after the page was served.
        expires = int(re.search(r'data-identity-expires="(\d+)"', page).group(1))
        assert 0 <= expires - (int(now.timestamp()) + 12 * 3600) <= 5
        signature = identity_signature("s3cret", "ana.garcia@example.com", expires)
        assert (
            f'data-identity-email="ana.garcia@example.com" data-identity-expires="{expires}" '
            f'data-identity-signature="{signature}"'
        ) in page
        stranger = await (await client.get("/demo", params={"customer": "eve@evil.example"})).text()
        assert "data-identity" not in stranger


def test_demo_mode_is_refused_in_production():
    with pytest.raises(ValueError, match="DEMO_MODE"):
        Settings(environment="production", rasa_callbacks_token="x" * 40, demo_mode=True)


async def test_no_demo_identity_without_a_secret(client):
    page = await (await client.get("/demo", params={"customer": "ana.garcia@example.com"})).text()
    assert "data-identity" not in page
