"""The example shop has orders in every state, in every market, that the bot can answer about."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from sqlmodel import select

from helpdesk.database import Database
from helpdesk.loyalty.codes import count_codes
from helpdesk.orders.demo import DEMO_CODES_PER_REWARD, load_demo_shop, stock_demo_codes
from helpdesk.orders.models import (
    LoyaltyAccount,
    Order,
    OrderReturn,
    OrderStatus,
    Shipment,
)
from helpdesk.policies import load_policies
from helpdesk.settings import PROJECT_ROOT

TODAY = date(2026, 11, 22)


async def test_every_state_and_market_is_there_and_loading_twice_adds_nothing(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    await database.upgrade()
    policies = load_policies(PROJECT_ROOT / "policies")
    async with database.session() as session:
        added = await load_demo_shop(session, policies, today=TODAY)
        assert added >= 30
        assert await load_demo_shop(session, policies, today=TODAY) == 0
        orders = list(await session.exec(select(Order)))
        assert set(Counter(o.status for o in orders)) == set(OrderStatus)
        assert {o.country for o in orders} >= {"ES", "DE", "FR", "IT", "GB", "US", "BR", "CN"}
        shipments = list(await session.exec(select(Shipment)))
        delayed = {o.id for o in orders if o.status == OrderStatus.DELAYED}
        assert all(s.estimated_delivery < TODAY for s in shipments if s.order_id in delayed)
        assert all(s.delivered_on is None for s in shipments if s.order_id in delayed)
        assert list(await session.exec(select(OrderReturn)))
        assert len(list(await session.exec(select(LoyaltyAccount)))) == 10
    await database.close()


async def test_every_reward_has_example_codes_to_give_and_stocking_twice_adds_none(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    await database.upgrade()
    policies = load_policies(PROJECT_ROOT / "policies")
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    async with database.session() as session:
        added = await stock_demo_codes(session, policies, now=now)
        assert await stock_demo_codes(session, policies, now=now) == 0
        await session.commit()
        pools = {count.reward: count.free for count in await count_codes(session, policies.loyalty)}
    rewards = {reward.name for reward in policies.loyalty.rewards}
    assert pools == dict.fromkeys(rewards, DEMO_CODES_PER_REWARD)
    assert added == len(rewards) * DEMO_CODES_PER_REWARD
    await database.close()
