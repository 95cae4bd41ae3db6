"""The agent side of the loyalty tests: a queued conversation whose shopper proved who they are."""

from __future__ import annotations

from helpdesk.database import DB
from helpdesk.orders.models import LoyaltyAccount, VerificationAttempt
from helpdesk.rasa.client import BotMessage
from tests.conftest import open_session

HANDOFF = [BotMessage(key="utter_handoff"), BotMessage(escalate={"reason": "human_handoff"})]


async def queued_conversation(client) -> str:
    shopper = await open_session(client, "en")
    assert (await shopper.say("a person please"))["state"] == "queued"
    return shopper.session_id


async def prove(client, conversation_id: str, *, email: str = "emma@example.com", balance=120):
    """The shopper signed in as `email`, who has `balance` points (None: no account)."""
    async with client.app[DB].session() as session:
        session.add(
            VerificationAttempt(
                conversation_id=conversation_id, method="identity", succeeded=True, email=email
            )
        )
        if balance is not None:
            session.add(LoyaltyAccount(email=email, country="NL", balance=balance))
        await session.commit()


def grant_path(conversation_id: str) -> str:
    return f"/api/agent/conversations/{conversation_id}/loyalty/goodwill"
