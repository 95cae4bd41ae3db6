"""Behind reverse proxies the client is who our own proxy says it is, never who the client says:
the address for rate limits and logins, the scheme for the session cookie's Secure flag."""

from __future__ import annotations

import pytest

from helpdesk.app import create_app
from tests.support.agent_clients import PASSWORD, add_agent


@pytest.fixture
async def proxied(aiohttp_client, settings, fake_bot, detector, translator, clock):
    async def build(*, behind_proxy: bool, trusted_proxies: int = 1):
        settings.behind_proxy, settings.trusted_proxies = behind_proxy, trusted_proxies
        return await aiohttp_client(
            create_app(
                settings, bot=fake_bot, detector=detector, translator=translator, clock=clock
            )
        )

    return build


async def new_chats(client, forwarded_for: str, count: int) -> list[int]:
    return [
        (
            await client.post(
                "/api/chat/sessions", json={}, headers={"X-Forwarded-For": forwarded_for}
            )
        ).status
        for _ in range(count)
    ]


async def test_a_client_written_forwarded_entry_does_not_escape_the_limits(proxied):
    client = await proxied(behind_proxy=True)
    statuses = []
    for n in range(40):  # each with a new made-up address on the left; the proxy's entry last
        statuses += await new_chats(client, f"198.51.100.{n}, 203.0.113.7", 1)
    assert statuses.count(201) == 20 and statuses[20:] == [429] * 20
    assert await new_chats(client, "203.0.113.8", 1) == [201]  # another real client


async def test_with_two_proxies_the_second_entry_from_the_right_is_the_client(proxied):
    client = await proxied(behind_proxy=True, trusted_proxies=2)
    statuses = [
        status
        for n in range(25)
        for status in await new_chats(client, f"10.9.9.{n}, 203.0.113.7, 10.0.0.2", 1)
    ]
    assert statuses.count(429) == 5


async def test_without_a_proxy_forwarded_headers_are_ignored(proxied):
    client = await proxied(behind_proxy=False)
    statuses = [status for n in range(25) for status in await new_chats(client, f"10.0.0.{n}", 1)]
    assert statuses.count(429) == 5  # all from the test's own address


@pytest.mark.parametrize(
    "behind_proxy, proto, secure",
    [(True, "https", True), (True, "http", False), (False, "https", False)],
)
async def test_the_session_cookie_is_secure_when_the_browser_used_https(
    proxied, quick_password_hashing, behind_proxy, proto, secure
):
    client = await proxied(behind_proxy=behind_proxy)
    await add_agent(client.app, "ana@shop.example")
    response = await client.post(
        "/api/agent/login",
        json={"email": "ana@shop.example", "password": PASSWORD},
        headers={"X-Forwarded-Proto": proto, "X-Forwarded-For": "203.0.113.7"},
    )
    assert response.status == 200
    cookie = response.headers["Set-Cookie"]
    assert ("Secure" in cookie) is secure, cookie
