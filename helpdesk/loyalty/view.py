"""The loyalty account beside a conversation, as an agent sees it before granting goodwill
points: balance, tier, expiry, what the balance buys, and the latest history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.models import Agent
from helpdesk.loyalty.accounts import proved_account, readable_conversation
from helpdesk.loyalty.outlook import LoyaltyOutlook, outlook
from helpdesk.orders.models import LoyaltyAccount, LoyaltyEntry
from helpdesk.policies.loyalty_schema import LoyaltyPolicy

HISTORY = 20  # the latest entries: what an agent reads before a grant, not an archive


@dataclass(frozen=True)
class AccountView:
    account: LoyaltyAccount
    outlook: LoyaltyOutlook
    history: list[LoyaltyEntry]  # newest first
    goodwill_cap: int


async def account_view(
    session: AsyncSession, *, loyalty: LoyaltyPolicy, agent: Agent, conversation_id: str
) -> AccountView:
    await readable_conversation(session, agent, conversation_id)
    account = await proved_account(session, conversation_id)
    query = (
        select(LoyaltyEntry)
        .where(LoyaltyEntry.account_id == account.id)
        .order_by(col(LoyaltyEntry.occurred_on).desc(), col(LoyaltyEntry.id).desc())
        .limit(HISTORY)
    )
    history = list(await session.exec(query))
    return AccountView(
        account, outlook(loyalty, account), history, loyalty.goodwill_max_points_per_grant
    )
