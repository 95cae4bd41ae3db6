"""Whom a delay notice is for: the shopper's latest conversation about the order (or as its
customer), whether its widget listens now, and the language to write in."""

from __future__ import annotations

from collections.abc import Sequence

from babel.languages import get_official_languages
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat.models import Conversation
from helpdesk.languages.tags import base_language
from helpdesk.live.events import EventHub
from helpdesk.orders.models import Order, VerificationAttempt

FALLBACK_LANGUAGE = "en"


async def shoppers_conversation(session: AsyncSession, order: Order) -> Conversation | None:
    """The latest conversation that proved it may see `order`, or that the shop signed in (or
    proved) as the order's customer: only such a conversation may hear about the parcel."""
    proved = select(VerificationAttempt.conversation_id).where(
        col(VerificationAttempt.succeeded).is_(True),
        or_(
            col(VerificationAttempt.order_number) == order.number,
            col(VerificationAttempt.email) == order.email.strip().lower(),
        ),
    )
    query = (
        select(Conversation)
        .where(col(Conversation.id).in_(proved))
        .order_by(col(Conversation.updated_at).desc(), col(Conversation.created_at).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def widget_open(events: EventHub, conversation: Conversation | None) -> bool:
    """Whether a widget of the conversation listens on its socket now, on any replica: the
    socket subscribes to the conversation's channel for as long as it is open."""
    return conversation is not None and await events.listening(conversation.id)


def market_language(country: str, languages: Sequence[str]) -> str:
    """The first official language of the order's country that the shop writes, else English."""
    for spoken in get_official_languages(country.strip().upper(), de_facto=True):
        if (lang := base_language(spoken)) in languages:
            return lang
    return FALLBACK_LANGUAGE


def language_for(conversation: Conversation | None, country: str, languages: Sequence[str]) -> str:
    """The conversation's language when there is one, else the market's."""
    if conversation is not None and conversation.lang:
        return base_language(conversation.lang)
    return market_language(country, languages)
