"""What the loyalty tests share: the shipped loyalty.yml, accounts, pools and conversations."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from helpdesk.chat.models import Conversation
from helpdesk.insights.events import ConversationEvent
from helpdesk.loyalty import codes
from helpdesk.orders.models import LoyaltyAccount, LoyaltyEntry
from helpdesk.policies import load_policies
from helpdesk.settings import PROJECT_ROOT

NOW = datetime(2026, 12, 7, 16, 30, tzinfo=UTC)


def loyalty():
    policies = load_policies(PROJECT_ROOT / "policies")
    assert not isinstance(policies, list), policies
    return policies.loyalty


async def add_account(database, email: str, balance: int, country: str = "DE") -> int:
    async with database.session() as session:
        account = LoyaltyAccount(
            email=email, country=country, balance=balance, last_activity=date(2026, 3, 1)
        )
        session.add(account)
        await session.commit()
        assert account.id is not None
        return account.id


async def fill_pool(database, reward: str, count: int, prefix: str = "NORD") -> None:
    text = "\n".join(f"{prefix}-{reward.upper()}-{n:04}" for n in range(count))
    read = codes.read_code_file(text.encode(), "pool.csv")
    async with database.session() as session:
        await codes.add_codes(session, reward, read, now=NOW)
        await session.commit()


async def add_conversation(database, conversation_id: str = "c" * 32) -> str:
    async with database.session() as session:
        session.add(
            Conversation(id=conversation_id, token_hash=conversation_id, shop="t", lang="en")
        )
        await session.commit()
    return conversation_id


async def balance(database, account_id: int) -> int:
    async with database.session() as session:
        account = await session.get(LoyaltyAccount, account_id)
        assert account is not None
        return account.balance


async def history(database, account_id: int) -> list[LoyaltyEntry]:
    async with database.session() as session:
        query = select(LoyaltyEntry).where(LoyaltyEntry.account_id == account_id)
        return list(await session.exec(query.order_by(LoyaltyEntry.id)))


async def events_of(database, conversation_id: str) -> list[ConversationEvent]:
    async with database.session() as session:
        query = select(ConversationEvent).where(
            ConversationEvent.conversation_id == conversation_id
        )
        return list(await session.exec(query.order_by(ConversationEvent.id)))
