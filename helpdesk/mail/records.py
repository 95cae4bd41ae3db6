"""Who gets no more email, and what was mailed: suppressions kept per address, and a record of
each email sent and each unsubscription (also in a conversation's event log when it is about
one), added to the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import aware
from helpdesk.insights.events import ConversationEvent
from helpdesk.mail.models import MailEvent, MailRecord, MailSuppression

# Sent because the shopper asked: not counted against the weekly cap (engagement.yml).
REQUESTED = ("transcript",)


async def is_suppressed(session: AsyncSession, email: str) -> bool:
    """Whether the (normalised) address unsubscribed."""
    return await session.get(MailSuppression, email) is not None


async def suppress(session: AsyncSession, email: str, *, at: datetime, kind: str | None) -> bool:
    """Suppress the (normalised) address; True the first time, when it is also recorded."""
    row = {"email": email, "at": at, "reason": MailEvent.UNSUBSCRIBED, "message_kind": kind}
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(MailSuppression).values(**row).on_conflict_do_nothing()
    added = (await session.exec(statement)).rowcount == 1
    if added:
        session.add(
            MailRecord(event=MailEvent.UNSUBSCRIBED, at=at, recipient=email, message_kind=kind)
        )
    return added


def record_sent(
    session: AsyncSession,
    *,
    at: datetime,
    recipient: str,
    kind: str,
    lang: str,
    conversation_id: str | None = None,
    order_number: str | None = None,
    job_id: int | None = None,
) -> None:
    """An email went out: a mail record, and an event of the conversation it is about."""
    session.add(
        MailRecord(
            event=MailEvent.SENT,
            at=at,
            recipient=recipient,
            message_kind=kind,
            lang=lang,
            conversation_id=conversation_id,
            order_number=order_number,
            job_id=job_id,
        )
    )
    if conversation_id is not None:
        session.add(
            ConversationEvent(
                conversation_id=conversation_id,
                kind=MailEvent.SENT,
                at=at,
                lang=lang,
                detail={"message": kind},
            )
        )


async def sent_since(session: AsyncSession, recipient: str, since: datetime) -> list[datetime]:
    """When emails went to `recipient` since `since`, leaving out those the shopper asked for:
    what the weekly cap (policies/engagement.py, next_weekly_slot) counts."""
    query = select(MailRecord.at).where(
        col(MailRecord.recipient) == recipient,
        col(MailRecord.event) == MailEvent.SENT,
        col(MailRecord.at) >= since,
        col(MailRecord.message_kind).not_in(REQUESTED),
    )
    return [aware(moment) for moment in (await session.exec(query)).all()]
