"""Login throttling: every attempt is recorded before its password is hashed, so a burst of
guesses reaches scrypt at most as often as the rules allow; the throttle is per (email, address)
with a growing wait, an agent's known addresses keep working while strangers hammer her email,
and caps per email (unknown addresses) and per address (spraying) stop guessing at scale."""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from helpdesk.agents import accounts as agents
from helpdesk.agents.accounts import (
    ADDRESS_FAILURES_ALLOWED,
    EMAIL_FAILURES_ALLOWED,
    PAIR_FIRST_WAIT,
    PAIR_FREE_FAILURES,
    PAIR_MAX_WAIT,
)
from helpdesk.agents.models import KnownLogin
from helpdesk.app import create_app
from helpdesk.clock import SetClock
from helpdesk.database import DB
from tests.support.agent_clients import PASSWORD, add_agent

pytestmark = pytest.mark.usefixtures("quick_password_hashing")

ANA = "ana@shop.example"
STRANGER = "203.0.113.5"
ANAS_DESK = "198.51.100.7"


@pytest.fixture
def clock() -> SetClock:
    return SetClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


async def helpdesk(aiohttp_client, settings, fake_bot, detector, translator, clock):
    settings.behind_proxy = True  # the client's address is the rightmost X-Forwarded-For entry
    client = await aiohttp_client(
        create_app(settings, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )
    await add_agent(client.app, ANA, name="Ana")
    return client


@pytest.fixture
async def client(aiohttp_client, settings, fake_bot, detector, translator, clock):
    return await helpdesk(aiohttp_client, settings, fake_bot, detector, translator, clock)


@pytest.fixture
def hashed(monkeypatch) -> list[str]:
    """The passwords that reached scrypt, each slowed down so that simultaneous requests overlap."""
    calls: list[str] = []
    real = agents.password_matches

    def counting(password: str, stored: str) -> bool:
        calls.append(password)
        time.sleep(0.05)
        return real(password, stored)

    monkeypatch.setattr(agents, "password_matches", counting)
    return calls


async def log_in(client, email: str, password: str, address: str):
    """(status, body, Retry-After or None) of one login from `address`."""
    response = await client.post(
        "/api/agent/login",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": f"10.9.9.9, {address}"},
    )
    retry_after = response.headers.get("Retry-After")
    return response.status, await response.json(), int(retry_after) if retry_after else None


async def status(client, email: str, password: str, address: str) -> int:
    return (await log_in(client, email, password, address))[0]


# --- a burst of guesses -----------------------------------------------------------------------


async def burst(client, hashed: list[str]) -> None:
    answers = await asyncio.gather(
        *(log_in(client, ANA, f"guess {n}", STRANGER) for n in range(40))
    )
    statuses = [answer[0] for answer in answers]
    assert set(statuses) <= {401, 429}
    assert len(hashed) <= PAIR_FREE_FAILURES
    assert statuses.count(401) == len(hashed)  # every refusal came without hashing
    assert all(answer[2] and answer[2] > 0 for answer in answers if answer[0] == 429)
    hashed.clear()
    # What was hashed counts as failures, what was refused does not: the free ones left still work.
    left = PAIR_FREE_FAILURES - statuses.count(401)
    assert [await status(client, ANA, "again", STRANGER) for _ in range(left + 1)] == [
        401
    ] * left + [429]
    assert len(hashed) == left
    # A double-click (or a team behind one address) logging in at once is not a burst of guesses,
    # and the known login is recorded once.
    answers = await asyncio.gather(*(log_in(client, ANA, PASSWORD, ANAS_DESK) for _ in range(4)))
    assert [answer[0] for answer in answers] == [200] * 4
    async with client.app[DB].session() as session:
        known = list(await session.exec(select(KnownLogin)))
    assert [(row.email, row.address) for row in known] == [(ANA, ANAS_DESK)]


async def test_of_40_simultaneous_wrong_passwords_at_most_5_are_hashed_on_sqlite(client, hashed):
    await burst(client, hashed)


async def test_of_40_simultaneous_wrong_passwords_at_most_5_are_hashed_on_postgresql(
    postgres_url, aiohttp_client, settings, fake_bot, detector, translator, clock, hashed
):
    settings.database_url = postgres_url
    await burst(
        await helpdesk(aiohttp_client, settings, fake_bot, detector, translator, clock), hashed
    )


# --- nobody elsewhere can lock an agent out ---------------------------------------------------


async def test_a_strangers_wrong_passwords_do_not_stop_ana_at_her_known_address(client, hashed):
    assert await status(client, ANA, PASSWORD, ANAS_DESK) == 200  # her desk is now known
    statuses = [await status(client, ANA, f"guess {n}", STRANGER) for n in range(30)]
    assert statuses == [401] * PAIR_FREE_FAILURES + [429] * (30 - PAIR_FREE_FAILURES)
    assert len(hashed) == PAIR_FREE_FAILURES + 1  # her login, then only the free guesses
    assert await status(client, ANA, PASSWORD, ANAS_DESK) == 200
    # Even the right password waits at the stranger's address: the throttle does not tell.
    assert await status(client, ANA, PASSWORD, STRANGER) == 429


async def test_guessing_from_many_addresses_stops_unknown_addresses_but_not_known_ones(
    client, clock, hashed
):
    assert await status(client, ANA, PASSWORD, ANAS_DESK) == 200
    addresses = [
        f"203.0.113.{n}"
        for n in range(1, math.ceil(EMAIL_FAILURES_ALLOWED / PAIR_FREE_FAILURES) + 1)
    ]
    failures = 0
    for address in addresses:
        for _ in range(PAIR_FREE_FAILURES):
            if failures < EMAIL_FAILURES_ALLOWED:
                assert await status(client, ANA, "guess", address) == 401
                failures += 1
    assert len(hashed) == 1 + EMAIL_FAILURES_ALLOWED
    hashed.clear()
    code, body, retry_after = await log_in(client, ANA, PASSWORD, "192.0.2.77")  # Ana, new café
    assert code == 429 and 0 < retry_after <= 15 * 60 and "try again in" in body["error"]
    assert await status(client, ANA, "guess", "192.0.2.78") == 429
    assert hashed == []
    assert await status(client, ANA, PASSWORD, ANAS_DESK) == 200  # known: still works
    # Other accounts are not affected.
    await add_agent(client.app, "ben@shop.example", name="Ben")
    assert await status(client, "ben@shop.example", PASSWORD, "192.0.2.77") == 200
    clock.advance(timedelta(minutes=15, seconds=1))  # the failures leave the window
    assert await status(client, ANA, PASSWORD, "192.0.2.77") == 200


async def test_each_further_wrong_password_doubles_the_wait_up_to_an_hour(client, clock, hashed):
    for _ in range(PAIR_FREE_FAILURES):
        assert await status(client, ANA, "guess", STRANGER) == 401
    waits = []
    expected = []
    for extra in range(9):
        wait = min(PAIR_FIRST_WAIT * 2**extra, PAIR_MAX_WAIT)
        expected.append(int(wait.total_seconds()))
        code, body, retry_after = await log_in(client, ANA, "guess", STRANGER)
        assert code == 429 and "try again in" in body["error"]
        waits.append(retry_after)
        # Asking again while waiting is refused unhashed and does not make the wait longer ...
        assert await status(client, ANA, PASSWORD, STRANGER) == 429
        clock.advance(timedelta(seconds=retry_after - 5))
        assert await status(client, ANA, "guess", STRANGER) == 429
        clock.advance(timedelta(seconds=5))
        # ... and once it is over, one more guess is hashed (and fails).
        assert await status(client, ANA, "guess", STRANGER) == 401
    assert all(expected[n] - 2 <= waits[n] <= expected[n] for n in range(len(waits))), waits
    assert waits[:3] == sorted(waits[:3]) and waits[1] > waits[0] and waits[-1] <= 3600
    assert len(hashed) == PAIR_FREE_FAILURES + len(waits)
    code, _, retry_after = await log_in(client, ANA, PASSWORD, STRANGER)
    assert code == 429 and retry_after > 3500
    clock.advance(timedelta(hours=1))
    assert await status(client, ANA, PASSWORD, STRANGER) == 200  # Ana, after all; that clears it
    for _ in range(PAIR_FREE_FAILURES):
        assert await status(client, ANA, "typo", STRANGER) == 401


async def test_a_successful_login_clears_the_pairs_failures(client, hashed):
    for _ in range(PAIR_FREE_FAILURES - 1):
        assert await status(client, ANA, "typo", ANAS_DESK) == 401
    assert await status(client, ANA, PASSWORD, ANAS_DESK) == 200
    statuses = [await status(client, ANA, "typo", ANAS_DESK) for _ in range(PAIR_FREE_FAILURES + 1)]
    assert statuses == [401] * PAIR_FREE_FAILURES + [429]


async def test_spraying_many_emails_from_one_address_is_refused(client, hashed):
    assert await status(client, ANA, PASSWORD, STRANGER) == 200  # Ana's office shares it
    emails = [f"user{n}@shop.example" for n in range(ADDRESS_FAILURES_ALLOWED + 5)]
    statuses = [await status(client, email, "Summer2026!", STRANGER) for email in emails]
    assert statuses == [401] * ADDRESS_FAILURES_ALLOWED + [429] * 5
    assert len(hashed) == 1 + ADDRESS_FAILURES_ALLOWED
    # The spraying address is stopped, other addresses are not, and Ana's known login still works.
    assert await status(client, "user99@shop.example", "Summer2026!", "192.0.2.1") == 401
    assert await status(client, ANA, PASSWORD, STRANGER) == 200


async def test_a_wrong_email_and_a_wrong_password_answer_and_cost_the_same(client, hashed):
    answers = {}
    for email, password in ((ANA, "nope"), ("nobody@shop.example", PASSWORD)):
        hashed.clear()
        first = [
            await log_in(client, email, password, STRANGER) for _ in range(PAIR_FREE_FAILURES + 1)
        ]
        answers[email] = ([(code, body) for code, body, _ in first], len(hashed))
    assert answers[ANA] == answers["nobody@shop.example"]
    wrong, hashes = answers[ANA]
    assert hashes == PAIR_FREE_FAILURES
    assert wrong[0][0] == 401 and wrong[0][1]["error"] == "wrong email or password"
    assert wrong[-1][0] == 429
