"""The loyalty account beside a conversation: an agent who may read the conversation sees the
proved shopper's balance, tier (titled in the agent's language), expiry, what it buys and the
latest history, grants included."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from helpdesk.database import DB
from helpdesk.loyalty.view import titled
from helpdesk.orders.models import LoyaltyAccount, LoyaltyEntry
from helpdesk.policies.loading import Policies, load_policies
from helpdesk.settings import PROJECT_ROOT
from tests.loyalty.desk import grant_path, prove, queued_conversation
from tests.support.agent_clients import AgentClient, add_agent

pytestmark = pytest.mark.usefixtures("quick_password_hashing")


def account_path(conversation_id: str) -> str:
    return f"/api/agent/conversations/{conversation_id}/loyalty"


async def test_the_agent_sees_balance_tier_expiry_rewards_and_history(client, ana):
    conversation = await queued_conversation(client)
    await prove(client, conversation, balance=None)
    async with client.app[DB].session() as session:
        account = LoyaltyAccount(
            email="emma@example.com",
            country="NL",
            balance=420,
            points_last_12_months=900,
            last_activity=date(2026, 5, 31),
        )
        session.add(account)
        await session.flush()
        assert account.id is not None
        session.add(
            LoyaltyEntry(
                account_id=account.id,
                occurred_on=date(2026, 5, 31),
                points=420,
                reason="order",
                order_number="10045",
            )
        )
        await session.commit()
    await ana.ok("POST", grant_path(conversation), {"points": 100, "reason": "late"}, 201)
    seen = await ana.ok("GET", account_path(conversation))
    assert (seen["email"], seen["balance"], seen["tier"], seen["next_tier"]) == (
        "emma@example.com",
        520,
        "member",
        "silver",
    )
    assert seen["tier_title"] == "Member"  # loyalty.yml's title, for Ana who reads English
    assert seen["points_to_next_tier"] == 100  # goodwill points buy no tier
    assert seen["expires_on"] == "2028-11-18"  # 24 months after the grant (the test's today)
    assert [r["name"] for r in seen["affordable"]] == ["eur_25_off"]
    assert (seen["next_reward"]["name"], seen["points_short"]) == ("eur_50_off", 480)
    assert (seen["currency"], seen["goodwill_max_points_per_grant"]) == ("EUR", 500)
    newest, oldest = seen["history"]
    assert (newest["reason"], newest["points"], newest["note"]) == ("goodwill", 100, "late")
    assert newest["agent_id"] is not None
    assert (oldest["reason"], oldest["order_number"], oldest["at"]) == ("order", "10045", None)


async def test_the_tier_is_titled_in_the_agents_language(client):
    conversation = await queued_conversation(client)
    await prove(client, conversation)
    await set_account(client, "emma@example.com", points_last_12_months=1500)
    await add_agent(client.app, "lukas@shop.example", languages=["de", "en"])
    lukas = await AgentClient.logged_in(client.make_url("/"), "lukas@shop.example")
    try:
        seen = await lukas.ok("GET", account_path(conversation))
    finally:
        await lukas.close()
    assert (seen["tier"], seen["tier_title"]) == ("silver", "Silber")


def test_a_tier_without_a_title_in_the_agents_language_is_titled_in_english():
    policies = load_policies(PROJECT_ROOT / "policies")
    assert isinstance(policies, Policies)
    loyalty = policies.loyalty
    member, silver, *higher = loyalty.tiers
    loyalty = loyalty.model_copy(
        update={
            "tiers": (
                member.model_copy(update={"title": None}),
                silver.model_copy(update={"title": {"en": "Silver", "de": "Silber"}}),
                *higher,
            )
        }
    )
    assert titled(loyalty, "silver", "de") == "Silber"
    assert titled(loyalty, "silver", "it") == "Silver"
    assert titled(loyalty, "member", "it") == "Member"  # no title: the name, capitalised
    assert titled(policies.loyalty, "gold", "zh") == "金卡会员"


async def test_only_an_agent_who_may_read_it_sees_it(client, ana):
    conversation = await queued_conversation(client)
    await prove(client, conversation)
    await add_agent(client.app, "wei@shop.example", team="apac", languages=["zh", "en"])
    wei = await AgentClient.logged_in(client.make_url("/"), "wei@shop.example")
    try:
        response = await wei.get(account_path(conversation))
        assert response.status == 403 and (await response.json())["code"] == "other_team"
    finally:
        await wei.close()
    response = await client.get(account_path(conversation))
    assert response.status == 401


async def test_no_proof_and_no_account_are_told_apart(client, ana):
    unproved = await queued_conversation(client)
    response = await ana.get(account_path(unproved))
    assert response.status == 409 and (await response.json())["code"] == "shopper_not_verified"
    no_account = await queued_conversation(client)
    await prove(client, no_account, email="new@example.com", balance=None)
    response = await ana.get(account_path(no_account))
    assert response.status == 404 and (await response.json())["code"] == "no_loyalty_account"


async def set_account(client, email: str, **fields) -> None:
    async with client.app[DB].session() as session:
        account = (
            await session.exec(select(LoyaltyAccount).where(LoyaltyAccount.email == email))
        ).one()
        for name, value in fields.items():
            setattr(account, name, value)
        session.add(account)
        await session.commit()


async def test_points_expiring_within_the_reminders_window_and_the_referral_code(client, ana):
    conversation = await queued_conversation(client)
    await prove(client, conversation, balance=340)
    # Today is 18 Nov 2026; points expire 24 months after the last activity, and "soon" is
    # engagement.yml's reminder window (30 days): 18 Dec 2026 is soon, 19 Dec is not.
    await set_account(
        client, "emma@example.com", last_activity=date(2024, 12, 18), referral_code="K7M2QX9P"
    )
    seen = await ana.ok("GET", account_path(conversation))
    assert (seen["expires_on"], seen["expiring_points"], seen["expiring_within_days"]) == (
        "2026-12-18",
        340,
        30,
    )
    assert (seen["referral_code"], seen["referral_link"]) == (
        "K7M2QX9P",
        "https://atelier-nord.example/invite/K7M2QX9P",
    )
    await set_account(
        client, "emma@example.com", last_activity=date(2024, 12, 19), referral_code=None
    )
    seen = await ana.ok("GET", account_path(conversation))
    assert (seen["expires_on"], seen["expiring_points"]) == ("2026-12-19", 0)
    assert (seen["referral_code"], seen["referral_link"]) == (None, None)  # looking gives none
    await set_account(client, "emma@example.com", balance=0)
    seen = await ana.ok("GET", account_path(conversation))
    assert (seen["expires_on"], seen["expiring_points"]) == (None, 0)  # nothing to lose


async def test_a_conversation_id_that_is_not_one_is_a_404(client, ana):
    for wrong in ("no-such-conversation", "x" * 300, "%00", "..%2F..%2Fagent"):
        response = await ana.get(account_path(wrong))
        assert response.status == 404, wrong
        assert (await response.json())["code"] == "not_found"
