"""Fuzzing the HTTP API from its own description (helpdesk/openapi.yaml) with schemathesis:
thousands of generated requests, valid and not, with and without credentials. No answer may be a
500, and every answer must be one the description promises (status, content type, schema).

The service runs for real, on a free port, with a fake bot and a scripted translator, in a
thread of its own: schemathesis speaks HTTP synchronously. Bounded: a fixed number of examples
per operation and a fixed seed, so CI takes the same time every run.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import threading
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from helpdesk.app import create_app
from helpdesk.chat.guard import RATE_LIMITER, RateLimiter
from helpdesk.clock import SetClock
from helpdesk.languages.translation import Translator
from helpdesk.rasa.client import BotMessage
from helpdesk.settings import PROJECT_ROOT, Settings
from tests.support.agent_clients import PASSWORD, add_agent, policies_with_support
from tests.support.fakes import FakeBot, FakeEngine
from tests.support.instants import WEEKDAY_MORNING_IN_AMSTERDAM
from tests.support.rasa_server import free_port

pytestmark = pytest.mark.fuzz
OPENAPI = PROJECT_ROOT / "helpdesk" / "openapi.yaml"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))  # per operation: about 2,000 requests in all
schema = schemathesis.openapi.from_path(OPENAPI).exclude(
    path_regex=r"/ws$"
)  # websockets: tested elsewhere
HANDOFF = [BotMessage(key="utter_handoff"), BotMessage(escalate={"reason": "human_handoff"})]


@dataclass
class Served:
    """The running service, and credentials that fuzzed requests borrow now and then, so that
    they reach past authentication: a shopper's session and a logged-in admin."""

    url: str
    session_id: str = ""
    token: str = ""
    cookie: str = ""
    csrf: str = ""
    conversations: list[str] = field(default_factory=list)
    luck: random.Random = field(default_factory=lambda: random.Random(7))

    def aim(self, case) -> None:
        """Most requests name the conversations that exist (random ids only find 404s)."""
        params = case.path_parameters or {}
        if self.luck.random() < 0.8 and "session_id" in params:
            params["session_id"] = self.session_id
        if self.luck.random() < 0.8 and "conversation_id" in params:
            params["conversation_id"] = self.luck.choice(self.conversations)

    def log_in(self) -> None:
        http = requests.Session()
        login = http.post(
            f"{self.url}/api/agent/login", json={"email": "fuzz@shop.example", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        self.cookie, self.csrf = http.cookies["helpdesk_agent"], login.json()["csrf_token"]


SERVED: list[Served] = []  # the module's service, for the auth provider below


@schema.auth(refresh_interval=None)
class Credentials:
    """The shopper's bearer token and the agent's cookie (the two security schemes), and the
    CSRF token the agent API wants beside the cookie. Schemathesis also sends requests without
    them, and with wrong ones, and checks that they are refused."""

    def get(self, case, context):
        if not SERVED:
            return None  # collecting the tests: nothing runs yet
        served = SERVED[-1]
        return served.token, served.cookie, served.csrf

    def set(self, case, data, context):
        token, cookie, csrf = data
        case.headers = {
            **(case.headers or {}),
            "Authorization": f"Bearer {token}",
            "X-CSRF-Token": csrf,
        }
        case.cookies = {**(case.cookies or {}), "helpdesk_agent": cookie}


@pytest.fixture(scope="module")
def served(tmp_path_factory, detector):
    folder = tmp_path_factory.mktemp("fuzz")
    settings = Settings(
        environment="test",
        var_dir=folder,
        rasa_url="http://127.0.0.1:9",
        rasa_callbacks_port=0,
        rasa_callbacks_token="fuzz",
        bot_startup_grace_seconds=5,
        policies_dir=policies_with_support(folder / "policies"),
        identity_secret="s",
    )
    bot = FakeBot({"a person please": HANDOFF, "hi": [BotMessage(key="utter_greet")]})
    translator = Translator(FakeEngine({("en", "es"): {}, ("es", "en"): {}}))
    app = create_app(
        settings,
        bot=bot,
        detector=detector,
        translator=translator,
        clock=SetClock(WEEKDAY_MORNING_IN_AMSTERDAM),
    )
    # Time flies for the rate limits: thousands of requests from one address reach the code
    # behind them instead of 429s (the limits have tests of their own).
    app[RATE_LIMITER] = RateLimiter(clock=itertools.count(step=3600).__next__)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    run = lambda coroutine: asyncio.run_coroutine_threadsafe(coroutine, loop).result(60)  # noqa: E731
    runner = web.AppRunner(app)
    run(runner.setup())
    port = free_port()
    run(web.TCPSite(runner, "127.0.0.1", port).start())
    served = Served(f"http://127.0.0.1:{port}")
    SERVED.append(served)
    try:
        _prepare(served, app, run)
        yield served
    finally:
        run(runner.cleanup())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def _prepare(served: Served, app, run) -> None:
    """A shopper who talked to the bot, conversations queued and held by an admin."""
    run(add_agent(app, "fuzz@shop.example", role="admin", capacity=50))
    served.log_in()
    http = requests.Session()
    for index in range(4):
        session = http.post(f"{served.url}/api/chat/sessions", json={"locale": "en"}).json()
        auth = {"Authorization": f"Bearer {session['token']}"}
        said = http.post(
            f"{served.url}/api/chat/sessions/{session['session_id']}/messages",
            headers=auth,
            json={
                "text": "a person please",
                "client_id": f"00000000-0000-4000-8000-00000000000{index}",
            },
        )
        assert said.status_code == 200, said.text
        served.conversations.append(session["session_id"])
        served.session_id, served.token = session["session_id"], session["token"]
    claimed = http.post(
        f"{served.url}/api/agent/conversations/{served.conversations[0]}/claim",
        headers={"X-CSRF-Token": served.csrf},
        cookies={"helpdesk_agent": served.cookie},
    )
    assert claimed.status_code == 200, claimed.text


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_answer_is_a_500_or_breaks_the_description(case, served):
    served.aim(case)
    # Every check but "schema-valid data is accepted": the description cannot say which
    # languages the shop serves, which conversations exist or what state they are in; those
    # refusals (400, 404, 409) are answers it documents, which the other checks hold it to.
    case.call_and_validate(
        base_url=served.url, timeout=20, excluded_checks=[positive_data_acceptance]
    )
    if case.path == "/api/agent/logout":
        served.log_in()
