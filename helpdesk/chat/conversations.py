"""Data access for conversations and messages: plain functions taking the session."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat.models import (
    Conversation,
    ConversationState,
    Delivery,
    Message,
    Sender,
)
from helpdesk.errors import ConversationNotFound, Unauthorized
from helpdesk.insights import events


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_conversation(
    session: AsyncSession, *, shop: str, locale: str | None, lang: str, now: datetime
) -> tuple[Conversation, str]:
    """A new conversation and the bearer token its shopper will use (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    conversation = Conversation(
        token_hash=hash_token(token),
        shop=shop,
        locale=locale,
        lang=lang,
        created_at=now,
        updated_at=now,
    )
    session.add(conversation)
    await session.flush()  # the event refers to the conversation's row
    events.opened(session, conversation, at=now)
    await session.commit()
    return conversation, token


async def authenticate(
    session: AsyncSession, conversation_id: str, token: str | None
) -> Conversation:
    """The conversation the token opens: 401 for an unknown token, 404 for another one's id."""
    if not token:
        raise Unauthorized(
            "missing token: send Authorization: Bearer <token> from session creation"
        )
    owned = (
        await session.exec(select(Conversation).where(Conversation.token_hash == hash_token(token)))
    ).first()
    if owned is None:
        raise Unauthorized("unknown token: create a session with POST /api/chat/sessions")
    if owned.id != conversation_id:
        raise ConversationNotFound(f"no conversation {conversation_id} for this token")
    return owned


async def get_conversation(session: AsyncSession, conversation_id: str) -> Conversation:
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        raise ConversationNotFound(f"no conversation {conversation_id}")
    return conversation


async def store_shopper_message(
    session: AsyncSession, conversation: Conversation, *, text: str, client_id: str, now: datetime
) -> tuple[Message, bool]:
    """Store a shopper's message once per client_id; (message, True) when it is new."""
    existing = await find_by_client_id(session, conversation.id, client_id)
    if existing:
        return existing, False
    delivery = Delivery.PENDING if conversation.state == ConversationState.BOT else Delivery.HELD
    message = Message(
        conversation_id=conversation.id,
        sender=Sender.SHOPPER,
        text=text,
        lang=conversation.lang,
        client_id=client_id,
        delivery=delivery,
        created_at=now,
    )
    session.add(message)
    conversation.updated_at = now
    session.add(conversation)
    try:
        await session.commit()
    except IntegrityError:  # the same retry landed on another replica a moment earlier
        await session.rollback()
        stored = await find_by_client_id(session, conversation.id, client_id)
        if stored is None:
            raise  # not that retry: another constraint refused the message
        return stored, False
    return message, True


async def find_by_client_id(
    session: AsyncSession, conversation_id: str, client_id: str
) -> Message | None:
    query = select(Message).where(
        Message.conversation_id == conversation_id, Message.client_id == client_id
    )
    return (await session.exec(query)).first()


async def replies_to(session: AsyncSession, message_id: int) -> list[Message]:
    query = select(Message).where(Message.reply_to == message_id).order_by(col(Message.id))
    return list(await session.exec(query))


async def transcript(
    session: AsyncSession, conversation_id: str, *, after: int = 0, include_internal: bool = False
) -> list[Message]:
    """The messages in order; agents' internal notes only when asked (never for the shopper)."""
    query = select(Message).where(
        Message.conversation_id == conversation_id, col(Message.id) > after
    )
    if not include_internal:
        query = query.where(col(Message.internal).is_(False))
    return list(await session.exec(query.order_by(col(Message.id))))


async def pending_messages(session: AsyncSession, conversation_id: str) -> list[Message]:
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.delivery == Delivery.PENDING)
        .order_by(col(Message.id))
    )
    return list(await session.exec(query))


async def conversations_with_pending(session: AsyncSession) -> list[str]:
    query = (
        select(Message.conversation_id)
        .join(Conversation)
        .where(Message.delivery == Delivery.PENDING, Conversation.state == ConversationState.BOT)
        .distinct()
    )
    return list(await session.exec(query))


async def offered_payloads(session: AsyncSession, conversation_id: str) -> set[str]:
    """The payloads of every button the bot or the helpdesk offered in the conversation."""
    query = select(Message.buttons).where(
        Message.conversation_id == conversation_id,
        col(Message.buttons).is_not(None),
        Message.sender != Sender.SHOPPER,
    )
    return {
        str(button.get("payload"))
        for buttons in await session.exec(query)
        for button in buttons or []
        if isinstance(button, dict) and button.get("payload")
    }


async def last_said_before(
    session: AsyncSession, conversation_id: str, message_id: int
) -> Message | None:
    """What the bot, an agent or the helpdesk said last before the shopper's message."""
    query = (
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.sender != Sender.SHOPPER,
            col(Message.internal).is_(False),
            col(Message.id) < message_id,
        )
        .order_by(col(Message.id).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def has_notice(session: AsyncSession, message_id: int, key: str) -> bool:
    query = select(Message.id).where(Message.reply_to == message_id, Message.template_key == key)
    return (await session.exec(query)).first() is not None


async def has_shopper_messages(session: AsyncSession, conversation_id: str) -> bool:
    query = (
        select(Message.id)
        .where(Message.conversation_id == conversation_id, Message.sender == Sender.SHOPPER)
        .limit(1)
    )
    return (await session.exec(query)).first() is not None


async def has_notice_in(session: AsyncSession, conversation_id: str, key: str) -> bool:
    query = (
        select(Message.id)
        .where(Message.conversation_id == conversation_id, Message.template_key == key)
        .limit(1)
    )
    return (await session.exec(query)).first() is not None


async def rate_if_unrated(
    session: AsyncSession, conversation_id: str, score: int, comment: str | None
) -> bool:
    """Rate the conversation unless it has a rating; False when it had one. One guarded
    UPDATE, so that of two ratings at the same moment only one lands."""
    rated = await session.exec(
        update(Conversation)
        .where(col(Conversation.id) == conversation_id, col(Conversation.rating).is_(None))
        .values(rating=score, rating_comment=comment)
        .execution_options(synchronize_session=False)
    )
    return bool(rated.rowcount)
