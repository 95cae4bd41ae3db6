"""Answers from loyalty.yml's rewards: which a member's market offers, what a balance buys now,
and the cheapest one still out of reach."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UnknownName
from .loyalty_schema import LoyaltyPolicy, Reward
from .markets import market_of


@dataclass(frozen=True)
class RewardsInReach:
    """What `balance` buys in a market: the rewards it affords, cheapest first; the cheapest
    one it does not afford yet and the points still missing for it (None when all are afforded)."""

    currency: str
    affordable: tuple[Reward, ...]
    next_reward: Reward | None
    points_short: int | None


def reward_named(policy: LoyaltyPolicy, name: str) -> Reward:
    for reward in policy.rewards:
        if reward.name == name:
            return reward
    raise UnknownName("reward", name)


def rewards_in(policy: LoyaltyPolicy, country: str) -> tuple[Reward, ...]:
    """The rewards members in `country` can redeem, cheapest first (none where no market serves)."""
    market = market_of(policy.markets, country)
    offered = [reward for reward in policy.rewards if market in reward.markets]
    return tuple(sorted(offered, key=lambda reward: (reward.points, reward.name)))


def offered_in(policy: LoyaltyPolicy, reward: Reward, country: str) -> bool:
    return market_of(policy.markets, country) in reward.markets


def rewards_in_reach(policy: LoyaltyPolicy, country: str, balance: int) -> RewardsInReach:
    offered = rewards_in(policy, country)
    market = market_of(policy.markets, country)
    currency = policy.markets[market].currency if market is not None else ""
    affordable = tuple(reward for reward in offered if reward.points <= balance)
    beyond = [reward for reward in offered if reward.points > balance]
    next_reward = beyond[0] if beyond else None
    short = next_reward.points - balance if next_reward is not None else None
    return RewardsInReach(currency, affordable, next_reward, short)
