"""Fixtures for the real thing: the trained model served by `rasa run`, calling back a real helpdesk.

One Rasa server for the whole test session (it takes about 70 s to load), shared by the
end-to-end and the browser tests (tests/conftest.py imports these fixtures). Each test starts its
own helpdesk app on the port Rasa calls back, so Rasa reaches whichever test is running.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from helpdesk.app import create_app
from helpdesk.database import DB
from helpdesk.languages.translation import Translator
from helpdesk.orders.demo import load_demo_shop
from helpdesk.policies import load_policies
from helpdesk.rasa.process import ChildProcess, rasa_server
from helpdesk.rasa.training import ensure_model
from helpdesk.settings import PROJECT_ROOT, Settings

READY_TIMEOUT = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RasaServer:
    process: ChildProcess
    url: str
    token: str
    helpdesk_port: int
    callbacks_port: int
    callbacks_token: str

    async def wait_ready(self) -> None:
        """Until the model answers, restarting the process if it died (as `make run` does)."""
        deadline = time.monotonic() + READY_TIMEOUT
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                self.process.supervise()
                try:
                    async with http.get(
                        f"{self.url}/status", params={"token": self.token}
                    ) as answer:
                        if answer.status == 200 and (await answer.json()).get("model_id"):
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(1)
        raise TimeoutError(
            f"Rasa did not become ready in {READY_TIMEOUT}s; see its log in {self.process.log_path}"
        )

    async def tracker_events(self, conversation_id: str) -> list[dict]:
        async with aiohttp.ClientSession() as http:
            async with http.get(
                f"{self.url}/conversations/{conversation_id}/tracker", params={"token": self.token}
            ) as answer:
                return (await answer.json())["events"]


def start_rasa(var_dir: Path, model: Path) -> RasaServer:
    """`rasa run` serving `model` on a free port, calling back whichever helpdesk listens on the
    ports it names (the tests' fixtures and benchmarks/conversations.py start one there)."""
    rasa_url, helpdesk_port, callbacks_port = (
        f"http://127.0.0.1:{free_port()}",
        free_port(),
        free_port(),
    )
    # A token that starts with '-': it once made `rasa run` read it as an option and never start.
    token, callbacks_token = "-e2e-token", secrets.token_urlsafe(32)
    process = rasa_server(
        model=model,
        rasa_url=rasa_url,
        token=token,
        callbacks_url=f"http://127.0.0.1:{callbacks_port}",
        callbacks_token=callbacks_token,
        var_dir=var_dir,
    )
    process.start()
    return RasaServer(process, rasa_url, token, helpdesk_port, callbacks_port, callbacks_token)


def shop_settings(rasa: RasaServer, folder: Path, **overrides) -> Settings:
    """A helpdesk on `folder` (its database, its own copy of the policy files), wired to `rasa`."""
    shutil.copytree(PROJECT_ROOT / "policies", folder / "policies", dirs_exist_ok=True)
    wired = dict(
        environment="test",
        var_dir=folder,
        rasa_url=rasa.url,
        rasa_token=rasa.token,
        bot_timeout_seconds=60,
        rasa_callbacks_port=rasa.callbacks_port,
        rasa_callbacks_token=rasa.callbacks_token,
        policies_dir=folder / "policies",
    )
    return Settings(**(wired | overrides))


@pytest.fixture(scope="session")
def rasa(tmp_path_factory):
    server = start_rasa(tmp_path_factory.mktemp("rasa"), ensure_model(PROJECT_ROOT / "var"))
    yield server
    server.process.stop()


@pytest.fixture
async def helpdesk_factory(rasa, aiohttp_server, aiohttp_client, tmp_path, clock):
    """Builds a real helpdesk app serving the example shop (its own copy of the policy files),
    wired to the real Rasa server once that is ready."""

    async def build(*, wait_for_bot: bool = True, **dependencies):
        """A helpdesk on the test's own folder: built again, it is the same shop restarted."""
        if wait_for_bot:
            await rasa.wait_ready()
        settings = shop_settings(rasa, tmp_path)
        dependencies.setdefault("translator", Translator(None))
        dependencies.setdefault("clock", clock)
        server = await aiohttp_server(create_app(settings, **dependencies), port=rasa.helpdesk_port)
        async with server.app[DB].session() as session:
            await load_demo_shop(
                session, load_policies(settings.policies_dir), today=dependencies["clock"].today()
            )
        return await aiohttp_client(server)

    return build


@pytest.fixture
async def helpdesk(helpdesk_factory):
    return await helpdesk_factory()
