"""Agents for tests: accounts made through helpdesk.agents.accounts, and an HTTP client per agent
(its own cookie jar, as each agent has their own browser)."""

from __future__ import annotations

import shutil
from pathlib import Path

import aiohttp

from helpdesk.agents.accounts import create_agent
from helpdesk.database import DB
from helpdesk.settings import PROJECT_ROOT
from tests.support.openapi_check import checked_against_openapi

PASSWORD = "correct horse battery"
ALWAYS_OPEN = {
    day: "00:00-24:00"
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}


def policies_with_support(
    directory: Path,
    *,
    eu_hours: dict | None = None,
    americas_hours: dict | None = None,
    max_wait_minutes: int = 10,
) -> Path:
    """A copy of the shop's policies whose support hours a test decides: open around the clock
    by default, or closed all week with {}."""
    shutil.copytree(PROJECT_ROOT / "policies", directory, dirs_exist_ok=True)
    eu = ALWAYS_OPEN if eu_hours is None else eu_hours
    americas = ALWAYS_OPEN if americas_hours is None else americas_hours

    def team(zone: str, languages: str, hours: dict) -> str:
        lines = "".join(f"      {day}: {value}\n" for day, value in hours.items())
        lines = lines or "      monday: closed\n"
        return (
            f"    timezone: {zone}\n    languages: [{languages}]\n"
            f"    hours:\n{lines}"
            f"    max_wait_minutes: {max_wait_minutes}\n"
        )

    (directory / "support.yml").write_text(
        "teams:\n"
        f"  eu:\n{team('Europe/Amsterdam', 'en, de, fr, it, es', eu)}"
        f"  americas:\n{team('America/Sao_Paulo', 'pt, es', americas)}"
        f"  apac:\n{team('Asia/Shanghai', 'zh', ALWAYS_OPEN)}"
        "fallback_team: eu\n"
        "always_human: [complaint, damaged_goods]\n",
        encoding="utf-8",
    )
    return directory


async def add_agent(
    app,
    email: str,
    *,
    languages=("en",),
    team: str = "eu",
    capacity: int = 3,
    role: str = "agent",
    name: str | None = None,
):
    async with app[DB].session() as session:
        return await create_agent(
            session,
            email=email,
            name=name or email.split("@")[0].title(),
            password=PASSWORD,
            languages=list(languages),
            role=role,
            team=team,
            capacity=capacity,
        )


class AgentClient:
    """One agent's browser, speaking the agent API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = str(base_url).rstrip("/")
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), middlewares=(checked_against_openapi,)
        )
        self.csrf = ""

    @classmethod
    async def logged_in(cls, base_url, email: str, password: str = PASSWORD) -> AgentClient:
        agent = cls(base_url)
        response = await agent.post("/api/agent/login", {"email": email, "password": password})
        assert response.status == 200, await response.text()
        agent.csrf = (await response.json())["csrf_token"]
        return agent

    async def post(self, path: str, body: dict | None = None, **headers) -> aiohttp.ClientResponse:
        headers.setdefault("X-CSRF-Token", self.csrf)
        return await self.http.post(self.base_url + path, json=body or {}, headers=headers)

    async def get(self, path: str) -> aiohttp.ClientResponse:
        return await self.http.get(self.base_url + path)

    async def ok(self, method: str, path: str, body: dict | None = None, status: int = 200) -> dict:
        response = await (self.get(path) if method == "GET" else self.post(path, body))
        assert response.status == status, await response.text()
        return await response.json()

    async def queue(self) -> dict:
        return await self.ok("GET", "/api/agent/queue")

    async def claim(self, conversation_id: str) -> dict:
        return await self.ok("POST", f"/api/agent/conversations/{conversation_id}/claim")

    async def reply(self, conversation_id: str, text: str, internal: bool = False) -> dict:
        return await self.ok(
            "POST",
            f"/api/agent/conversations/{conversation_id}/messages",
            {"text": text, "internal": internal},
            status=201,
        )

    async def resolve(self, conversation_id: str) -> dict:
        return await self.ok("POST", f"/api/agent/conversations/{conversation_id}/resolve")

    async def conversation(self, conversation_id: str) -> dict:
        return await self.ok("GET", f"/api/agent/conversations/{conversation_id}")

    async def socket(self):
        """The workspace's websocket, once the server says it is listening."""
        socket = await self.http.ws_connect(f"{self.base_url}/api/agent/ws")
        ready = await socket.receive_json(timeout=10)
        assert ready == {"type": "ready"}, ready
        return socket

    async def close(self) -> None:
        await self.http.close()
