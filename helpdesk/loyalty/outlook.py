"""What a member's account means now, as the bot will tell it: what the balance buys, the
points to the next tier, and when the points expire. Pure: loyalty.yml and the account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from helpdesk.orders.models import LoyaltyAccount
from helpdesk.policies.loyalty import TierStatus, points_expire_on, tier_status
from helpdesk.policies.loyalty_schema import LoyaltyPolicy
from helpdesk.policies.rewards import RewardsInReach, rewards_in_reach


@dataclass(frozen=True)
class LoyaltyOutlook:
    balance: int
    rewards: RewardsInReach
    tier: TierStatus
    expires_on: date | None  # None: nothing to expire, or no activity recorded yet


def outlook(loyalty: LoyaltyPolicy, account: LoyaltyAccount) -> LoyaltyOutlook:
    expires = (
        points_expire_on(loyalty, account.last_activity)
        if account.balance > 0 and account.last_activity is not None
        else None
    )
    return LoyaltyOutlook(
        account.balance,
        rewards_in_reach(loyalty, account.country, account.balance),
        tier_status(loyalty, account.points_last_12_months),
        expires,
    )
