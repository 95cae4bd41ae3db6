"""Goodwill points through the agent API: granted to the proved shopper of a conversation the
agent may read, with a reason, within loyalty.yml's cap, logged in the account's history and the
conversation's event log; every bad request is a 4xx whose `code` says what to fix."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from helpdesk.app import create_app
from helpdesk.database import DB
from helpdesk.insights.events import ConversationEvent
from helpdesk.orders.models import LoyaltyAccount, LoyaltyEntry, Order, VerificationAttempt
from tests.loyalty.desk import HANDOFF, grant_path, prove, queued_conversation
from tests.support.agent_clients import AgentClient, add_agent, policies_with_support
from tests.support.fakes import FakeBot

pytestmark = pytest.mark.usefixtures("quick_password_hashing")


async def account(client, email="emma@example.com") -> tuple[int, list[LoyaltyEntry]]:
    async with client.app[DB].session() as session:
        found = (
            await session.exec(select(LoyaltyAccount).where(LoyaltyAccount.email == email))
        ).one()
        entries = await session.exec(
            select(LoyaltyEntry).where(LoyaltyEntry.account_id == found.id)
        )
        return found.balance, list(entries)


async def granted_events(client, conversation_id: str) -> list[ConversationEvent]:
    async with client.app[DB].session() as session:
        query = select(ConversationEvent).where(
            ConversationEvent.conversation_id == conversation_id,
            ConversationEvent.kind == "points_granted",
        )
        return list(await session.exec(query))


async def test_a_grant_adds_points_and_is_logged_in_the_history_and_the_event_log(
    client, ana, clock
):
    conversation = await queued_conversation(client)
    await ana.claim(conversation)
    await prove(client, conversation)
    body = await ana.ok(
        "POST",
        grant_path(conversation),
        {"points": 200, "reason": "  Parcel two weeks late  "},
        status=201,
    )
    assert (body["email"], body["points"], body["reason"], body["balance"]) == (
        "emma@example.com",
        200,
        "Parcel two weeks late",
        320,
    )
    assert datetime.fromisoformat(body["at"]).astimezone(UTC).date() == clock.now().date()
    balance, [entry] = await account(client)
    assert balance == 320
    assert (entry.points, entry.reason, entry.note, entry.conversation_id) == (
        200,
        "goodwill",
        "Parcel two weeks late",
        conversation,
    )
    [event] = await granted_events(client, conversation)
    assert event.agent_id == entry.agent_id is not None
    assert event.detail == {"points": 200, "reason": "Parcel two weeks late"}


async def test_the_shopper_of_a_proved_order_gets_the_points(client, ana):
    conversation = await queued_conversation(client)
    async with client.app[DB].session() as session:
        session.add(
            Order(
                number="10045",
                email="olga@example.com",
                postal_code="1017CE",
                country="NL",
                currency="EUR",
                placed_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )
        session.add(LoyaltyAccount(email="olga@example.com", country="NL", balance=0))
        session.add(
            VerificationAttempt(
                conversation_id=conversation, order_number="10045", method="email", succeeded=True
            )
        )
        await session.commit()
    body = await ana.ok("POST", grant_path(conversation), {"points": 50, "reason": "x"}, 201)
    assert (body["email"], body["balance"]) == ("olga@example.com", 50)


@pytest.mark.parametrize(
    ("body", "code", "says"),
    [
        ({"points": 501, "reason": "sorry"}, "over_goodwill_cap", "at most 500 per grant"),
        ({"points": 100}, "bad_reason", "reason: Field required"),
        ({"points": 100, "reason": ""}, "bad_reason", "say why"),
        ({"points": 100, "reason": " \n\t "}, "bad_reason", "say why"),
        ({"points": 100, "reason": "x" * 501}, "bad_reason", "at most 500 characters"),
        ({"points": 100, "reason": 42}, "bad_reason", "valid string"),
        ({"points": 100, "reason": "late\u0000"}, "bad_request", "NUL"),
        ({"points": "100", "reason": "late"}, "bad_points", "valid integer"),
        ({"points": True, "reason": "late"}, "bad_points", "valid integer"),
        ({"points": 1.5, "reason": "late"}, "bad_points", "valid integer"),
        ({"points": 0, "reason": "late"}, "bad_points", "greater than or equal to 1"),
        ({"points": -50, "reason": "late"}, "bad_points", "greater than or equal to 1"),
        ({"points": 10**30, "reason": "late"}, "bad_points", "less than or equal to"),
        ({"points": 100, "reason": "late", "bonus": 1}, "bad_request", "Extra inputs"),
        ({}, "bad_points", "Field required"),
    ],
)
async def test_bad_bodies_are_refused_with_a_code_and_change_nothing(client, ana, body, code, says):
    conversation = await queued_conversation(client)
    await prove(client, conversation)
    response = await ana.post(grant_path(conversation), body)
    assert response.status == 400, await response.text()
    answer = await response.json()
    assert answer["code"] == code and says in answer["error"], answer
    assert (await account(client))[0] == 120
    assert await granted_events(client, conversation) == []


async def test_bodies_that_are_no_json_object_are_400(client, ana):
    conversation = await queued_conversation(client)
    for raw in (b"[]", b"not json", b"", b'"text"'):
        response = await ana.http.post(
            ana.base_url + grant_path(conversation),
            data=raw,
            headers={"X-CSRF-Token": ana.csrf, "Content-Type": "application/json"},
        )
        assert response.status == 400 and (await response.json())["code"] == "bad_request"


async def test_an_agent_who_may_not_read_the_conversation_gets_403(client, ana):
    conversation = await queued_conversation(client)  # for team eu
    await prove(client, conversation)
    await add_agent(client.app, "wei@shop.example", team="apac", languages=["zh", "en"])
    wei = await AgentClient.logged_in(client.make_url("/"), "wei@shop.example")
    try:
        response = await wei.post(grant_path(conversation), {"points": 10, "reason": "x"})
        assert response.status == 403 and (await response.json())["code"] == "other_team"
        stolen = await wei.post(
            grant_path(conversation), {"points": 10, "reason": "x"}, **{"X-CSRF-Token": "wrong"}
        )
        assert stolen.status == 403
    finally:
        await wei.close()
    assert (await account(client))[0] == 120


async def test_no_account_no_proof_and_no_conversation_are_told_apart(client, ana):
    unproved = await queued_conversation(client)
    response = await ana.post(grant_path(unproved), {"points": 10, "reason": "x"})
    assert response.status == 409 and (await response.json())["code"] == "shopper_not_verified"
    without_account = await queued_conversation(client)
    await prove(client, without_account, email="new@example.com", balance=None)
    response = await ana.post(grant_path(without_account), {"points": 10, "reason": "x"})
    assert response.status == 404 and (await response.json())["code"] == "no_loyalty_account"
    response = await ana.post(grant_path("f" * 32), {"points": 10, "reason": "x"})
    assert response.status == 404


async def test_without_a_session_it_is_401(client):
    conversation = await queued_conversation(client)
    response = await client.post(grant_path(conversation), json={"points": 10, "reason": "x"})
    assert response.status == 401


async def test_a_cap_of_zero_turns_goodwill_off(
    clock, aiohttp_client, settings, detector, translator, tmp_path
):
    directory = policies_with_support(tmp_path / "policies")
    loyalty = directory / "loyalty.yml"
    text = loyalty.read_text(encoding="utf-8")
    loyalty.write_text(text.replace("per_grant: 500", "per_grant: 0"), encoding="utf-8")
    settings.policies_dir = directory
    bot = FakeBot({"a person please": HANDOFF})
    client = await aiohttp_client(
        create_app(settings, bot=bot, detector=detector, translator=translator, clock=clock)
    )
    await add_agent(client.app, "ana@shop.example", name="Ana")
    ana = await AgentClient.logged_in(client.make_url("/"), "ana@shop.example")
    try:
        conversation = await queued_conversation(client)
        await prove(client, conversation)
        response = await ana.post(grant_path(conversation), {"points": 1, "reason": "x"})
        assert response.status == 409 and (await response.json())["code"] == "goodwill_off"
    finally:
        await ana.close()
