"""What the loyalty agent API reads and answers, as typed models (described in openapi.yaml)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pydantic
from pydantic import BaseModel, ConfigDict, field_validator

from helpdesk.loyalty.view import AccountView
from helpdesk.policies.loyalty_schema import Reward

MAX_REASON = 500  # a sentence or two; the history is read, not archived documents
MAX_POINTS = 10_000_000  # loyalty.yml's cap is lower; this keeps the number a sane integer


class GoodwillRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    points: int = pydantic.Field(ge=1, le=MAX_POINTS)
    reason: str = pydantic.Field(max_length=MAX_REASON)

    @field_validator("reason")
    @classmethod
    def _said(cls, reason: str) -> str:
        reason = reason.strip()
        if not reason:
            raise ValueError("say why the shopper gets these points (kept in their history)")
        return reason


class GoodwillGranted(BaseModel):
    email: str  # the account that got the points
    points: int
    reason: str
    balance: int
    at: datetime


class RewardPublic(BaseModel):
    name: str
    points: int
    discount: Decimal


class EntryPublic(BaseModel):
    occurred_on: date
    at: datetime | None
    points: int  # + earned or granted, - redeemed or expired
    reason: str  # order | redemption | referral | expiry | adjustment | goodwill
    note: str | None  # an agent's words
    agent_id: int | None
    reward: str | None
    code: str | None  # the code a redemption gave: an agent can hand it out again
    order_number: str | None


class LoyaltyAccountPublic(BaseModel):
    email: str
    country: str
    balance: int
    tier: str  # loyalty.yml's name of the tier
    tier_title: str  # what the agent reads: its title in the agent's language, else English
    next_tier: str | None
    points_to_next_tier: int | None
    expires_on: date | None
    currency: str
    affordable: list[RewardPublic]
    next_reward: RewardPublic | None
    points_short: int | None
    expiring_points: int  # the balance, when expires_on is within expiring_within_days; else 0
    expiring_within_days: int  # engagement.yml's reminder window: what "soon" means
    referral_code: str | None  # None until the member first asks the bot for one
    referral_link: str | None
    goodwill_max_points_per_grant: int
    history: list[EntryPublic]

    @classmethod
    def of(cls, view: AccountView) -> LoyaltyAccountPublic:
        seen, rewards = view.outlook, view.outlook.rewards

        def reward(r: Reward) -> RewardPublic:
            return RewardPublic(name=r.name, points=r.points, discount=r.discount)

        return cls(
            email=view.account.email,
            country=view.account.country,
            balance=seen.balance,
            tier=seen.tier.tier,
            tier_title=view.tier_title,
            next_tier=seen.tier.next_tier,
            points_to_next_tier=seen.tier.points_to_next,
            expires_on=seen.expires_on,
            currency=rewards.currency,
            affordable=[reward(r) for r in rewards.affordable],
            next_reward=reward(rewards.next_reward) if rewards.next_reward else None,
            points_short=rewards.points_short,
            expiring_points=view.expiring_points,
            expiring_within_days=view.soon_days,
            referral_code=view.account.referral_code,
            referral_link=view.referral_link,
            goodwill_max_points_per_grant=view.goodwill_cap,
            history=[EntryPublic.model_validate(e, from_attributes=True) for e in view.history],
        )
