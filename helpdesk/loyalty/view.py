"""The loyalty account beside a conversation, as an agent sees it before granting goodwill
points: balance, tier (titled in the agent's language), expiry (and whether it is soon), what
the balance buys, the member's referral code, and the latest history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.models import Agent
from helpdesk.loyalty.accounts import proved_account, readable_conversation
from helpdesk.loyalty.outlook import LoyaltyOutlook, outlook
from helpdesk.loyalty.referrals import referral_link
from helpdesk.orders.models import LoyaltyAccount, LoyaltyEntry
from helpdesk.policies.loyalty_schema import LoyaltyPolicy, tier_title

HISTORY = 20  # the latest entries: what an agent reads before a grant, not an archive


@dataclass(frozen=True)
class AccountView:
    account: LoyaltyAccount
    outlook: LoyaltyOutlook
    tier_title: str  # loyalty.yml's title of the tier, in the agent's language (else English)
    history: list[LoyaltyEntry]  # newest first
    goodwill_cap: int
    expiring_points: int  # the balance, when it expires within `soon_days`; else 0
    soon_days: int
    referral_link: str | None  # None: no code given yet, or loyalty.yml has no referral_link


def expiring(seen: LoyaltyOutlook, *, today: date, soon_days: int) -> int:
    """Points expire all at once (expiry_months after the last activity): the whole balance
    when that day is at most `soon_days` away, else 0."""
    if seen.expires_on is None or seen.expires_on - today > timedelta(days=soon_days):
        return 0
    return seen.balance


def titled(loyalty: LoyaltyPolicy, tier: str, lang: str) -> str:
    """The tier as loyalty.yml titles it in `lang`, else in English: 'Silber' for 'silver'."""
    titles = tier_title(next(t for t in loyalty.tiers if t.name == tier))
    return titles.get(lang) or titles["en"]


async def account_view(
    session: AsyncSession,
    *,
    loyalty: LoyaltyPolicy,
    agent: Agent,
    conversation_id: str,
    today: date,
    soon_days: int,
) -> AccountView:
    """The proved shopper's account, if the agent may read the conversation. `soon_days` is
    engagement.yml's reminder window, so the workspace's "soon" is the shopper's email's."""
    await readable_conversation(session, agent, conversation_id)
    account = await proved_account(session, conversation_id)
    query = (
        select(LoyaltyEntry)
        .where(LoyaltyEntry.account_id == account.id)
        .order_by(col(LoyaltyEntry.occurred_on).desc(), col(LoyaltyEntry.id).desc())
        .limit(HISTORY)
    )
    history = list(await session.exec(query))
    seen = outlook(loyalty, account)
    code, template = account.referral_code, loyalty.referral_link
    return AccountView(
        account,
        seen,
        titled(loyalty, seen.tier.tier, agent.language),
        history,
        loyalty.goodwill_max_points_per_grant,
        expiring(seen, today=today, soon_days=soon_days),
        soon_days,
        referral_link(template, code) if code and template else None,
    )
