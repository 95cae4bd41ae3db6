"""A shop whose every retention and influence figure is known by hand, for the retention tests
and the insights API's. The range is the 30 days before the clock's day; a customer is lost after
90 days without an order, and an order counts as influenced within 7 days after a conversation
began. Who is who:

| customer  | orders (counted ones before the end)          | conversations                        |
|-----------|-----------------------------------------------|--------------------------------------|
| ana (NL)  | 100 EUR in March, 60 EUR in range             | en, es in range: bot, then a person  |
| ben (DE)  | 80 EUR on 1 August: lost by the end           | de, in range: a person wrote         |
| cara (GB) | 50, 70 (20 refunded), 10 GBP                  | en, in range: queued, nobody took it |
| dan (NL)  | 40 and 60 EUR in range, 500 cancelled         | only a failed proof: not linked      |
| eve (US)  | 30 USD on 10 August: lost by the end          | en, in May: not in range             |
| fay (NL)  | 25 EUR in June: lost before the range         | none                                 |
| gus (JP)  | 15 USD in April (to the US), 200 EUR in range | none                                 |
| jo (NL)   | 30 EUR, 45 EUR in range, 20 EUR after it      | nl, in range: bot, twice             |
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from helpdesk.agents.models import Agent
from helpdesk.chat.models import Conversation, Message
from helpdesk.clock import SetClock
from helpdesk.orders.models import Order, OrderReturn, VerificationAttempt
from helpdesk.policies.insights_schema import InsightsPolicy
from tests.support.instants import WEEKDAY_MORNING_IN_AMSTERDAM

INSIGHTS = InsightsPolicy(churn_days=90, influence_days=7)
END = datetime.combine(SetClock(WEEKDAY_MORNING_IN_AMSTERDAM).today("UTC"), time(), tzinfo=UTC)
START = END - timedelta(days=30)


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


class History:
    """Rows of a shop's past, written as they would have been at their moments."""

    def __init__(self, session) -> None:
        self.session = session
        self.agent: Agent | None = None

    async def order(
        self,
        number: str,
        email: str,
        placed: datetime,
        total: str,
        *,
        country: str = "NL",
        currency: str = "EUR",
        status: str = "delivered",
        refunds: tuple[tuple[str, str], ...] = (),  # (amount, refund status)
    ) -> None:
        order = Order(
            number=number,
            email=email,
            postal_code="1016GV",
            country=country,
            currency=currency,
            subtotal=Decimal(total),
            total=Decimal(total),
            placed_at=placed,
            status=status,
        )
        self.session.add(order)
        await self.session.flush()
        for index, (amount, refund_status) in enumerate(refunds, start=1):
            self.session.add(
                OrderReturn(
                    rma=f"RMA-{number}-{index}",
                    order_id=order.id,
                    refund_amount=Decimal(amount),
                    refund_status=refund_status,
                    created_at=placed,
                )
            )

    async def conversation(
        self,
        begun: datetime,
        lang: str,
        *,
        proves: tuple[str, str] | None = None,  # (order number, its email)
        failed_proof: str | None = None,  # an order number
        identity: str | None = None,
        contact_email: str | None = None,
        queued: bool = False,
        claimed: bool = False,
        with_agent: bool = False,
        agent_wrote: bool = False,
        agent_noted: bool = False,
    ) -> str:
        conversation = Conversation(
            token_hash=uuid.uuid4().hex,
            shop="atelier-nord",
            lang=lang,
            created_at=begun,
            updated_at=begun,
            contact_email=contact_email,
            queued_at=begun + timedelta(minutes=5) if queued else None,
            claimed_at=begun + timedelta(minutes=9) if claimed else None,
            agent_id=(await self._agent()) if with_agent else None,
        )
        self.session.add(conversation)
        await self.session.flush()
        if proves:
            number, email = proves
            self._attempt(conversation.id, begun, "email", number=number, email=email)
        if failed_proof:
            self._attempt(conversation.id, begun, "email", number=failed_proof)
        if identity:
            self._attempt(conversation.id, begun, "identity", email=identity)
        for sender, internal in (("agent", False),) * agent_wrote + (
            ("agent", True),
        ) * agent_noted:
            self.session.add(
                Message(
                    conversation_id=conversation.id,
                    sender=sender,
                    text="Let me look into it.",
                    internal=internal,
                    created_at=begun + timedelta(minutes=10),
                )
            )
        return conversation.id

    def _attempt(self, conversation_id, moment, method, *, number=None, email=None) -> None:
        self.session.add(
            VerificationAttempt(
                conversation_id=conversation_id,
                order_number=number,
                method=method,
                succeeded=email is not None,
                email=email,
                at=moment,
            )
        )

    async def _agent(self) -> int:
        if self.agent is None:
            self.agent = Agent(
                email="lena@atelier-nord.example",
                name="Lena",
                password_hash="-",
                languages="en,nl",
                team="eu",
                created_at=at(1, 1),
            )
            self.session.add(self.agent)
            await self.session.flush()
        assert self.agent.id is not None
        return self.agent.id


async def fill(history: History) -> None:
    ana, ben, cara, dan = (f"{name}@example.com" for name in ("ana", "ben", "cara", "dan"))
    eve, fay, gus, jo = (f"{name}@example.com" for name in ("eve", "fay", "gus", "jo"))
    # ana: the order after two conversations belongs to the later one, a person's.
    await history.order("A1", ana, at(3, 1), "100.00")
    await history.order("A2", ana, at(11, 1, 9), "60.00", refunds=(("60.00", "not_started"),))
    await history.conversation(at(10, 25, 10), "en", proves=("A1", ana))  # then Spanish
    await history.conversation(at(10, 30), "es", identity=ana, queued=True, claimed=True)
    # ben: a person answered, then the conversation went back to the queue (claim forgotten).
    await history.order("B1", ben, at(8, 1), "80.00", country="DE")
    await history.conversation(at(10, 28, 15), "de", identity=ben, queued=True, agent_wrote=True)
    # cara: linked by the email she left; the order exactly 7 days later is no longer influenced.
    gbp = {"country": "GB", "currency": "GBP"}
    await history.order("K1", cara, at(9, 10), "50.00", **gbp)
    refunds = (("20.00", "settled"), ("10.00", "processing"))
    await history.order("K2", cara, at(11, 5, 14), "70.00", refunds=refunds, **gbp)
    await history.order("K3", cara, at(11, 10, 9), "10.00", **gbp)
    await history.conversation(at(11, 3, 9), "en", contact_email=" Cara@Example.com", queued=True)
    # dan: a failed proof links nobody; the cancelled order never counts.
    await history.order("D1", dan, at(10, 22), "40.00")
    await history.order("D2", dan, at(11, 10), "60.00")
    await history.order("D3", dan, at(11, 12), "500.00", status="cancelled")
    await history.conversation(
        at(11, 2), "en", failed_proof="D1", queued=True, claimed=True, with_agent=True
    )
    # eve wrote in May, before the range: not contacted, but her language is known.
    await history.order("E1", eve, at(8, 10), "30.00", country="US", currency="USD")
    await history.conversation(at(5, 1), "en", identity=eve)
    await history.order("F1", fay, at(6, 1), "25.00")
    # gus paid in two currencies: counted once, in the market of his latest order (Japan's).
    await history.order("G0", gus, at(4, 1), "15.00", country="US", currency="USD")
    await history.order("G1", gus, at(10, 30), "200.00", country="JP")
    # jo: two bot conversations, an order after each; the second order falls after the range.
    await history.order("J1", jo, at(10, 1), "30.00")
    await history.conversation(at(11, 10, 9), "nl", proves=("J1", jo))
    await history.order("J2", jo, at(11, 12), "45.00")
    await history.conversation(at(11, 16, 18), "nl", identity=jo)
    await history.order("J3", jo, at(11, 18, 8), "20.00")
    # Nobody's: an order without an email, and a conversation nobody proved anything in (an
    # agent's note to colleagues does not make it a person's).
    await history.order("Z1", "", at(11, 2), "99.00")
    await history.conversation(at(11, 1), "en", agent_noted=True)
