"""What the workspace shows: queue items, messages in the agent's language, the order beside them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.answers import (
    AgentConversation,
    AgentMessage,
    AgentRef,
    NamedOrder,
    OrderLine,
    QueueItem,
    Rating,
    ReturnLine,
    ShipmentLine,
    Translated,
    Verification,
    VerifiedOrder,
)
from helpdesk.agents.models import Agent
from helpdesk.chat import handover
from helpdesk.chat.models import Conversation, Message, Priority, Sender
from helpdesk.clock import aware
from helpdesk.languages.locales import Locales
from helpdesk.languages.translation import Translator
from helpdesk.orders.lookup import order_view
from helpdesk.orders.models import Order, VerificationAttempt
from helpdesk.policies.support_schema import SupportPolicy


def _aware(moment: datetime | None) -> datetime | None:
    return aware(moment) if moment else None


class AgentViews:
    """Turns rows into the agent API's answers (helpdesk/agents/answers.py), each message in the
    agent's language."""

    def __init__(self, translator: Translator, locales: Locales) -> None:
        self.translator = translator
        self.locales = locales

    async def item(
        self,
        session: AsyncSession,
        conversation: Conversation,
        agent: Agent,
        *,
        support: SupportPolicy | None,
        now: datetime,
    ) -> QueueItem:
        return (await self.items(session, [conversation], agent, support=support, now=now))[0]

    async def items(
        self,
        session: AsyncSession,
        conversations: list[Conversation],
        agent: Agent,
        *,
        support: SupportPolicy | None,
        now: datetime,
    ) -> list[QueueItem]:
        """Queue items for many conversations in two queries, however many there are."""
        last = await _last_shopper_messages(session, [c.id for c in conversations])
        holders = await _agents(session, {c.agent_id for c in conversations if c.agent_id})
        return [
            QueueItem(**await self._fields(c, agent, last.get(c.id), holders, support, now))
            for c in conversations
        ]

    async def _item_fields(
        self,
        session: AsyncSession,
        conversation: Conversation,
        agent: Agent,
        *,
        support: SupportPolicy | None,
        now: datetime,
    ) -> dict[str, Any]:
        last = await _last_shopper_messages(session, [conversation.id])
        holders = await _agents(
            session, {conversation.agent_id} if conversation.agent_id else set()
        )
        return await self._fields(
            conversation, agent, last.get(conversation.id), holders, support, now
        )

    async def _fields(
        self,
        conversation: Conversation,
        agent: Agent,
        last: Message | None,
        holders: dict[int, Agent],
        support: SupportPolicy | None,
        now: datetime,
    ) -> dict[str, Any]:
        translated = await self._translation(last, agent) if last else None
        holder = holders.get(conversation.agent_id) if conversation.agent_id else None
        return dict(
            id=conversation.id,
            state=conversation.state,
            lang=conversation.lang,
            team=conversation.team,
            reason=conversation.reason,
            priority="high" if conversation.priority >= Priority.HIGH else "normal",
            queued_at=_aware(conversation.queued_at),
            waiting_too_long=handover.waiting_too_long(conversation, support, now),
            outside_hours=(
                conversation.state == handover.State.QUEUED
                and handover.outside_hours(conversation, support, now) is not None
            ),
            preview=last.text if last else "",
            preview_translation=translated.text if translated else None,
            agent=AgentRef(id=holder.id, name=holder.name) if holder and holder.id else None,
            contact_email=conversation.contact_email,
        )

    async def message(self, message: Message, agent: Agent) -> AgentMessage:
        translation = await self._translation(message, agent)
        return AgentMessage(
            id=message.id,
            sender=message.sender,
            text=message.text,
            lang=message.lang,
            translation=translation,
            translation_missing=translation is None and _needs_translation(message, agent),
            author=message.author,
            internal=message.internal,
            buttons=message.buttons or [],
            created_at=_aware(message.created_at),
        )

    async def _translation(self, message: Message, agent: Agent) -> Translated | None:
        """The message in the agent's language: for the agent's own words, the original they wrote."""
        if message.sender == Sender.AGENT:
            return (
                Translated(text=message.translated_text, lang=message.translated_lang or "")
                if message.translated_text
                else None
            )
        if not _needs_translation(message, agent):
            return None
        if message.template_key and self.locales.has(message.template_key, agent.language):
            rendered = self.locales.render(
                message.template_key, agent.language, message.template_vars
            )
            return Translated(text=rendered.text, lang=rendered.lang)
        if message.translated_text and message.translated_lang == agent.language:
            return Translated(text=message.translated_text, lang=agent.language)
        translated = await self.translator.translate(
            message.text, message.lang or "en", agent.language
        )
        return (
            Translated(text=translated.text, lang=agent.language) if translated.available else None
        )

    async def conversation(
        self,
        session: AsyncSession,
        conversation: Conversation,
        agent: Agent,
        messages: list[Message],
        *,
        support: SupportPolicy | None,
        now: datetime,
    ) -> AgentConversation:
        verification = await _verification(session, conversation.id)
        return AgentConversation(
            **await self._item_fields(session, conversation, agent, support=support, now=now),
            summary=conversation.summary or {},
            order=await _order_context(session, conversation, verification),
            verification=verification,
            rating=(
                Rating(score=conversation.rating, comment=conversation.rating_comment)
                if conversation.rating
                else None
            ),
            messages=[await self.message(message, agent) for message in messages],
        )


def _needs_translation(message: Message, agent: Agent) -> bool:
    return bool(message.lang) and message.lang != agent.language and not message.internal


async def _last_shopper_messages(
    session: AsyncSession, conversation_ids: list[str]
) -> dict[str, Message]:
    """Each conversation's last message written by the shopper (button payloads aside): one
    query for any number of conversations."""
    if not conversation_ids:
        return {}
    latest = (
        select(func.max(Message.id))
        .where(
            col(Message.conversation_id).in_(conversation_ids),
            Message.sender == Sender.SHOPPER,
            col(Message.text).not_like("/%"),
        )
        .group_by(col(Message.conversation_id))
    )
    found = await session.exec(select(Message).where(col(Message.id).in_(latest)))
    return {message.conversation_id: message for message in found}


async def _agents(session: AsyncSession, agent_ids: set[int]) -> dict[int, Agent]:
    if not agent_ids:
        return {}
    found = await session.exec(select(Agent).where(col(Agent.id).in_(agent_ids)))
    return {agent.id: agent for agent in found if agent.id is not None}


async def _verification(session: AsyncSession, conversation_id: str) -> Verification:
    proofs = list(
        await session.exec(
            select(VerificationAttempt).where(
                VerificationAttempt.conversation_id == conversation_id
            )
        )
    )
    passed = [proof for proof in proofs if proof.succeeded]
    return Verification(
        verified_orders=sorted({p.order_number for p in passed if p.order_number}),
        identity=next((p.email for p in passed if p.method == "identity"), None),
        failed_attempts=len(proofs) - len(passed),
    )


async def _order_context(
    session: AsyncSession, conversation: Conversation, verification: Verification
) -> VerifiedOrder | NamedOrder | None:
    """The order the shopper talked about (the bot's summary, else the last one verified). One
    the shopper only named shows as named, not verified: a typed number proves nothing, and
    agents must not read a stranger's name, address or items to the person typing it."""
    number = (conversation.summary or {}).get("order_number") or next(
        iter(verification.verified_orders[-1:]), None
    )
    if not isinstance(number, str) or not number:
        return None
    order = (await session.exec(select(Order).where(Order.number == number))).first()
    proven = order is not None and (
        number in verification.verified_orders
        or (bool(order.email) and verification.identity == order.email)
    )
    if order is None or not proven:
        return NamedOrder(number=number)
    view = await order_view(session, order)
    return VerifiedOrder(
        number=order.number,
        status=order.status,
        total=str(order.total),
        currency=order.currency,
        country=order.country,
        placed_at=_aware(order.placed_at),
        customer=order.customer_name,
        email=order.email,
        items=[
            OrderLine(
                sku=i.sku,
                name=i.name,
                quantity=i.quantity,
                unit_price=str(i.unit_price),
                final_sale=i.final_sale,
            )
            for i in view.items
        ],
        shipments=[
            ShipmentLine(
                carrier=s.carrier,
                tracking_number=s.tracking_number,
                shipped_on=_date(s.shipped_on),
                estimated_delivery=_date(s.estimated_delivery),
                delivered_on=_date(s.delivered_on),
            )
            for s in view.shipments
        ],
        returns=[
            ReturnLine(
                rma=r.rma,
                status=r.status,
                refund_status=r.refund_status,
                refund_amount=str(r.refund_amount),
                items=r.items,
            )
            for r in view.returns
        ],
    )


def _date(day) -> str | None:
    return day.isoformat() if day else None
