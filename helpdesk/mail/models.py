"""The tables of the shop's emails: the addresses that asked for no more, and a record of every
email sent and every unsubscription (for the insights and the weekly cap)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel


class MailEvent(StrEnum):
    SENT = "email_sent"
    UNSUBSCRIBED = "unsubscribed"
    UNSUBSCRIBE_OPENED = "unsubscribe_opened"  # the page behind the link was opened


class MailSuppression(SQLModel, table=True):
    """An address (normalised: mail/addresses.py) that gets no more of the shop's emails."""

    __tablename__ = "mail_suppression"

    email: str = Field(primary_key=True)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    reason: str  # unsubscribed (more reasons, such as bounces, may come)
    message_kind: str | None = None  # the email whose link they used


class MailRecord(SQLModel, table=True):
    """One email sent or one unsubscription. Rows are only ever added; an email about a
    conversation is also an event of the conversation's log, written in the same transaction."""

    __tablename__ = "mail_record"
    __table_args__ = (
        Index("ix_mail_record_event_at", "event", "at"),
        Index("ix_mail_record_recipient_at", "recipient", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event: str  # MailEvent
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    recipient: str  # normalised
    message_kind: str | None = None  # review_request, delay_notice ...
    lang: str | None = None
    conversation_id: str | None = Field(default=None, foreign_key="conversation.id")
    order_number: str | None = None
    job_id: int | None = None
