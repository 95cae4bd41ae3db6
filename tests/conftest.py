"""Shared fixtures: settings on a temporary SQLite database, the app with a fake bot."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime

import aiohttp
import asyncpg
import pytest

from helpdesk.app import NLU_DIR, create_app
from helpdesk.clock import SetClock
from helpdesk.languages.detection import LanguageDetector
from helpdesk.languages.translation import Translator
from helpdesk.rasa.callbacks import CALLBACKS_PORT
from helpdesk.rasa.client import BotMessage
from helpdesk.settings import Settings
from tests.support import servers
from tests.support.fakes import FakeBot, FakeEngine
from tests.support.instants import WEEKDAY_MORNING_IN_AMSTERDAM
from tests.support.openapi_check import checked_against_openapi
from tests.support.rasa_server import helpdesk, helpdesk_factory, rasa  # noqa: F401 - fixtures
from tests.support.translation_models import argos_home, real_translator  # noqa: F401 - fixtures

CALLBACKS_TOKEN = "callbacks-secret-for-tests"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The session's PostgreSQL, started only if a test needs it (tests/support/servers.py: the
    machine's or a throwaway one); the URL of a database whose user may create databases."""
    with servers.session_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The session's Redis, started only if a test needs it (tests/support/servers.py)."""
    with servers.session_redis() as url:
        yield url


@pytest.fixture
async def postgres_url(postgres_server):
    """A fresh database on the session's PostgreSQL, dropped afterwards."""
    name = f"helpdesk_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_server)
    await admin.execute(f"CREATE DATABASE {name}")
    yield servers.with_database(postgres_server, name)
    await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    await admin.close()


@pytest.fixture
def quick_password_hashing(monkeypatch):
    """scrypt at 1 MiB instead of 32: for tests that log many agents in (the real cost is tested
    in tests/unit/test_agent_api.py)."""
    monkeypatch.setattr("helpdesk.agents.accounts.SCRYPT_N", 2**10)


@pytest.fixture
def aiohttp_client(aiohttp_client):
    """pytest-aiohttp's client, with every answer held against /api/openapi.yaml."""

    async def client(app_or_server, **options):
        options.setdefault("middlewares", (checked_against_openapi,))
        return await aiohttp_client(app_or_server, **options)

    return client


@pytest.fixture
def instant() -> datetime:
    """The moment the test's apps live at (tests/instants.py); hour-sensitive tests
    parametrize it over every instant there."""
    return WEEKDAY_MORNING_IN_AMSTERDAM


@pytest.fixture
def clock(instant) -> SetClock:
    return SetClock(instant)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        environment="test",
        var_dir=tmp_path,
        rasa_url="http://127.0.0.1:9",
        rasa_callbacks_port=0,  # any free port: tests run many apps
        rasa_callbacks_token=CALLBACKS_TOKEN,
        bot_startup_grace_seconds=5,
        # The fast tests' shop reads Chinese through translation, so the translation path is
        # tested; the shipped default reads it natively (settings.py).
        nlu_languages="en,es,pt,fr,de,it",
    )


@pytest.fixture(scope="session")
def detector() -> LanguageDetector:
    """Loading the language model reads every NLU file: once per test run is enough."""
    return LanguageDetector.from_training_data(Settings().languages, NLU_DIR)


@pytest.fixture
def fake_engine() -> FakeEngine:
    # Keyed by what the translator is given: the letters as meant ("？" read as "?").
    return FakeEngine({("zh", "en"): {"我的订单在哪里?": "Where's my order?"}, ("en", "ja"): {}})


@pytest.fixture
def translator(fake_engine) -> Translator:
    return Translator(fake_engine)


@pytest.fixture
def fake_bot() -> FakeBot:
    return FakeBot(
        {
            "hi": [BotMessage(key="utter_greet")],
            "where is my order?": [BotMessage(key="utter_ask_order_number")],
            "Where's my order?": [BotMessage(key="utter_ask_order_number")],
            "a person please": [
                BotMessage(key="utter_handoff"),
                BotMessage(escalate={"reason": "human_handoff"}),
            ],
        }
    )


@pytest.fixture
async def client(aiohttp_client, settings, fake_bot, detector, translator, clock):
    return await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )


class Shopper:
    """A chat API client as the widget uses it."""

    def __init__(self, client, session_id: str, token: str, address: str | None = None) -> None:
        self.client, self.session_id, self.token = client, session_id, token
        # Behind the proxy of BEHIND_PROXY=true, each shopper comes from an address of their own.
        self.forwarded = {"X-Forwarded-For": address} if address else {}

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **self.forwarded}

    async def say(self, text: str, client_id: str | None = None) -> dict:
        response = await self.client.post(
            f"/api/chat/sessions/{self.session_id}/messages",
            headers=self.auth,
            json={"text": text, "client_id": client_id or str(uuid.uuid4())},
        )
        assert response.status == 200, await response.text()
        return await response.json()

    async def socket(self, **options):
        """The conversation's websocket, as the widget opens it: the token in the first frame,
        then listening once the server says it is ready."""
        return await listening_socket(self.client, self.session_id, self.token, **options)

    async def transcript(self) -> list[dict]:
        response = await self.client.get(
            f"/api/chat/sessions/{self.session_id}/messages", headers=self.auth
        )
        assert response.status == 200, await response.text()
        return (await response.json())["messages"]


async def listening_socket(client, session_id: str, token: str, **options):
    socket = await client.ws_connect(f"/api/chat/sessions/{session_id}/ws", **options)
    await socket.send_json({"type": "auth", "token": token})
    ready = await socket.receive_json(timeout=10)
    assert ready == {"type": "ready"}, ready
    return socket


async def open_session(client, locale: str | None = None, *, address: str | None = None) -> Shopper:
    """A new chat, as the widget opens it; `address` is the shopper's, as a proxy forwards it."""
    response = await client.post(
        "/api/chat/sessions",
        json={"locale": locale} if locale else {},
        headers={"X-Forwarded-For": address} if address else None,
    )
    assert response.status == 201, await response.text()
    body = await response.json()
    return Shopper(client, body["session_id"], body["token"], address)


@pytest.fixture
async def shopper(client) -> Shopper:
    return await open_session(client)


class RasaCalls:
    """Rasa's side of the helpdesk: calls to its private listener, with the shared secret."""

    def __init__(self, app, token: str | None = CALLBACKS_TOKEN) -> None:
        self.base = f"http://127.0.0.1:{app[CALLBACKS_PORT]}"
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def post(self, path: str, body=None, *, data=None, headers=None):
        async with aiohttp.ClientSession() as http:
            async with http.post(
                self.base + path, json=body, data=data, headers={**self.headers, **(headers or {})}
            ) as response:
                return response.status, await response.json()


@pytest.fixture
def rasa_calls(client) -> RasaCalls:
    return RasaCalls(client.app)
