"""Redeeming points on SQLite and on PostgreSQL: 20 at once with points for 3 give exactly 3
codes and never a negative balance; a dry pool and a short balance change nothing; two shoppers
never get the same code; each redemption is in the history and the conversation's event log."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlmodel import select

from helpdesk.errors import ConversationNotFound
from helpdesk.loyalty.accounts import (
    NoLoyaltyAccount,
    NotEnoughPoints,
    RewardNotOffered,
    RewardSoldOut,
)
from helpdesk.loyalty.codes import UnknownReward
from helpdesk.loyalty.models import LoyaltyCode
from helpdesk.loyalty.outlook import outlook
from helpdesk.loyalty.redemption import redeem
from helpdesk.orders.models import LoyaltyAccount
from tests.loyalty.shop import (
    NOW,
    add_account,
    add_conversation,
    balance,
    events_of,
    fill_pool,
    history,
    loyalty,
)


async def attempt(database, email: str, reward: str = "eur_25_off", **options):
    async with database.session() as session:
        return await redeem(
            session, loyalty=loyalty(), email=email, reward=reward, now=NOW, **options
        )


async def test_one_redemption_deducts_hands_out_a_code_and_is_logged(database):
    account = await add_account(database, "ana@example.com", 740)
    await fill_pool(database, "eur_25_off", 2)
    conversation = await add_conversation(database)
    done = await attempt(database, "Ana@Example.com ", conversation_id=conversation)
    assert (done.reward, done.code, done.points, done.balance) == (
        "eur_25_off",
        "NORD-EUR_25_OFF-0000",
        500,
        240,
    )
    assert await balance(database, account) == 240
    [entry] = await history(database, account)
    assert (entry.points, entry.reason, entry.reward, entry.code, entry.conversation_id) == (
        -500,
        "redemption",
        "eur_25_off",
        done.code,
        conversation,
    )
    [event] = await events_of(database, conversation)
    assert (event.kind, event.detail) == (
        "points_redeemed",
        {"reward": "eur_25_off", "points": 500},
    )
    async with database.session() as session:
        stored = await session.get(LoyaltyAccount, account)
        assert stored is not None and stored.last_activity == date(2026, 12, 7)


async def test_twenty_at_once_with_points_for_three_give_exactly_three_codes(database):
    account = await add_account(database, "ana@example.com", 1740)
    await fill_pool(database, "eur_25_off", 10)
    seen: list[int] = []
    racing = True

    async def watch() -> None:
        while racing:  # every committed state the race passes through
            seen.append(await balance(database, account))
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    results = await asyncio.gather(
        *(attempt(database, "ana@example.com") for _ in range(20)), return_exceptions=True
    )
    racing = False
    await watcher
    codes = [r.code for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(codes) == 3 and len(set(codes)) == 3
    assert all(isinstance(r, NotEnoughPoints) for r in refused), refused
    assert await balance(database, account) == 240
    assert seen and min(seen) >= 0
    assert sum(entry.points for entry in await history(database, account)) == -1500
    async with database.session() as session:
        given = await session.exec(select(LoyaltyCode).where(LoyaltyCode.account_id == account))
        assert sorted(code.code for code in given) == sorted(codes)


async def test_two_shoppers_never_get_the_same_code(database):
    first = await add_account(database, "ana@example.com", 5000)
    second = await add_account(database, "ben@example.com", 5000, country="FR")
    await fill_pool(database, "eur_25_off", 12)
    results = await asyncio.gather(
        *(attempt(database, email) for email in ["ana@example.com", "ben@example.com"] * 8),
        return_exceptions=True,
    )
    codes = [r.code for r in results if not isinstance(r, BaseException)]
    assert len(codes) == 12 and len(set(codes)) == 12  # ten points each, twelve codes in all
    assert all(isinstance(r, RewardSoldOut) for r in results if isinstance(r, BaseException))
    spent = 5000 * 2 - await balance(database, first) - await balance(database, second)
    assert spent == 12 * 500


async def test_a_dry_pool_is_a_clear_error_and_deducts_nothing(database):
    account = await add_account(database, "ana@example.com", 900)
    conversation = await add_conversation(database)
    with pytest.raises(RewardSoldOut, match="no eur_25_off codes are left; nothing was deducted"):
        await attempt(database, "ana@example.com", conversation_id=conversation)
    assert await balance(database, account) == 900
    assert await history(database, account) == [] and await events_of(database, conversation) == []


async def test_too_few_points_change_nothing(database):
    account = await add_account(database, "ana@example.com", 499)
    await fill_pool(database, "eur_25_off", 1)
    with pytest.raises(NotEnoughPoints, match="eur_25_off takes 500 points; the balance is 499"):
        await attempt(database, "ana@example.com")
    assert await balance(database, account) == 499
    async with database.session() as session:
        [code] = await session.exec(select(LoyaltyCode))
        assert code.account_id is None


async def test_what_cannot_be_redeemed_is_refused_by_name(database):
    await add_account(database, "ana@example.com", 900)
    await add_account(database, "gus@example.com", 900, country="GB")
    await fill_pool(database, "eur_25_off", 1)
    with pytest.raises(UnknownReward):
        await attempt(database, "ana@example.com", reward="free_yacht")
    with pytest.raises(RewardNotOffered, match="eur_25_off is not offered in GB"):
        await attempt(database, "gus@example.com")
    with pytest.raises(NoLoyaltyAccount):
        await attempt(database, "nobody@example.com")
    with pytest.raises(ConversationNotFound):
        await attempt(database, "ana@example.com", conversation_id="missing")
    assert await balance(database, 1) == 900


def test_the_outlook_says_what_the_balance_buys_the_next_tier_and_the_expiry():
    account = LoyaltyAccount(
        email="a@example.com",
        country="PT",
        balance=740,
        points_last_12_months=800,
        last_activity=date(2026, 3, 31),
    )
    seen = outlook(loyalty(), account)
    assert [reward.name for reward in seen.rewards.affordable] == ["eur_25_off"]
    assert (seen.rewards.next_reward.name, seen.rewards.points_short) == ("eur_50_off", 260)
    assert (seen.tier.tier, seen.tier.next_tier, seen.tier.points_to_next) == (
        "member",
        "silver",
        200,
    )
    assert seen.expires_on == date(2028, 3, 31)
    account.balance = 0
    assert outlook(loyalty(), account).expires_on is None
