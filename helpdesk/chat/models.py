"""Tables and API shapes: conversations and their messages."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from helpdesk.clock import aware
from helpdesk.columns import optional_timestamp, timestamp

MAX_TEXT_LENGTH = 2000


class ConversationState(StrEnum):
    BOT = "bot"
    QUEUED = "queued"
    WITH_AGENT = "with_agent"
    RESOLVED = "resolved"


class Sender(StrEnum):
    SHOPPER = "shopper"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


class Delivery(StrEnum):
    """Where a shopper message stands with the bot."""

    PENDING = "pending"  # stored, not yet answered by the bot (bot down, or in flight)
    ANSWERED = "answered"
    HELD = "held"  # a person has the conversation: the bot never sees it
    FAILED = (
        "failed"  # the bot failed on it again and again: the shopper was told, it waits no more
    )


class Priority(IntEnum):
    NORMAL = 0
    HIGH = 1  # complaints, late orders, what support.yml always sends to a person


class Conversation(SQLModel, table=True):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex, primary_key=True)
    token_hash: str = Field(index=True, unique=True)
    shop: str
    locale: str | None = None  # the widget's hint
    lang: str  # the conversation's language so far
    state: str = Field(default=ConversationState.BOT, index=True)
    created_at: datetime = timestamp(index=True)  # the insights read conversations by date
    updated_at: datetime = timestamp()
    # The hand-over (chat/handover.py, agents/queue.py): who has it, which team's queue, since
    # when, and why.
    agent_id: int | None = Field(default=None, foreign_key="agent.id", index=True)
    team: str | None = Field(default=None, index=True)
    priority: int = Priority.NORMAL
    reason: str | None = None
    summary: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    queued_at: datetime | None = optional_timestamp()
    claimed_at: datetime | None = optional_timestamp()
    resolved_at: datetime | None = optional_timestamp()
    contact_email: str | None = None  # left by the shopper when no agent was at work
    rating: int | None = None  # 1-5, asked for after an agent resolved the conversation
    rating_comment: str | None = None
    # Counts every change of state (and of the agent): a page that hears of two changes out of
    # order keeps the newer one.
    state_version: int = 0
    # Where the shopper last wrote from: verification failures also count per address.
    client_address: str | None = None


class Message(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("conversation_id", "client_id"),
        Index(
            "ix_message_conversation_id_sender", "conversation_id", "sender"
        ),  # "did a person write?"
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(foreign_key="conversation.id", index=True)
    sender: str
    text: str
    lang: str | None = None
    client_id: str | None = None  # the widget's id for a shopper message: retries are stored once
    reply_to: int | None = Field(default=None, foreign_key="message.id", index=True)
    delivery: str | None = Field(default=None, index=True)  # shopper messages only
    bot_attempts: int = (
        0  # times the bot was asked to answer it (a message it always fails on stops)
    )
    # A bot text is rendered from locales/: the key and variables let it be shown in any language.
    template_key: str | None = None
    template_vars: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    buttons: list[dict[str, str]] | None = Field(default=None, sa_column=Column(JSON))
    # The same text in another language: what the bot read (shopper messages in a language
    # without native NLU data), or the original of a machine-translated reply.
    translated_text: str | None = None
    translated_lang: str | None = None
    author: str | None = None  # the agent's display name, for agent messages
    agent_id: int | None = Field(default=None, foreign_key="agent.id")
    internal: bool = False  # an agent's note for colleagues: never shown to the shopper
    created_at: datetime = timestamp()


# --- API shapes -----------------------------------------------------------------------------


class SignedIdentity(BaseModel):
    """A logged-in customer, vouched for by the shop: hex HMAC-SHA256 of the email and the
    expiry (Unix seconds); README, "The shop's signed identity"."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    email: str = pydantic.Field(min_length=3, max_length=320)
    signature: str = pydantic.Field(min_length=64, max_length=64, pattern=r"^[0-9a-fA-F]+$")
    expires: int | None = pydantic.Field(default=None, ge=0, le=2**40)


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    locale: str | None = pydantic.Field(
        default=None, min_length=2, max_length=16, pattern=r"^[A-Za-z-]+$"
    )
    identity: SignedIdentity | None = None


class LanguageChoice(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    locale: str = pydantic.Field(min_length=2, max_length=16, pattern=r"^[A-Za-z-]+$")


class SessionCreated(BaseModel):
    session_id: str
    token: str
    identified: bool = False  # True when the shop's signed identity checked out
    # Why a signed identity was not accepted, for the shop's developer (the chat opens anyway).
    identity_problem: str | None = None


def sensible_text(text: str, remedy: str) -> str:
    """A message's text, trimmed; an empty or overlong one is refused saying what to do."""
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"text is {len(text)} characters long; the limit is {MAX_TEXT_LENGTH}")
    text = text.strip()
    if not text:
        raise ValueError(f"text is empty: {remedy}")
    return text


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    text: str
    client_id: uuid.UUID = pydantic.Field(strict=False)  # JSON has no UUIDs: a string in one

    @field_validator("text")
    @classmethod
    def _sensible_text(cls, text: str) -> str:
        return sensible_text(text, "write a message")


class MessagePublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: int
    sender: str = pydantic.Field(serialization_alias="from")
    text: str
    lang: str | None
    buttons: list[dict[str, str]]
    client_id: str | None
    reply_to: int | None
    author: str | None = None
    kind: str | None = None  # "notice" (from the helpdesk itself) or "rating_prompt"
    created_at: datetime

    @classmethod
    def of(cls, message: Message) -> MessagePublic:
        return cls(
            id=message.id,
            sender=message.sender,
            text=message.text,
            lang=message.lang,
            buttons=message.buttons or [],
            client_id=message.client_id,
            reply_to=message.reply_to,
            author=message.author,
            kind=kind_of(message),
            created_at=aware(message.created_at),
        )

    def json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


RATING_PROMPT = "prompt_rating"


def kind_of(message: Message) -> str | None:
    if message.template_key == RATING_PROMPT:
        return "rating_prompt"
    return "notice" if message.sender == Sender.SYSTEM else None


class RatingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    score: int = pydantic.Field(ge=1, le=5)
    comment: str | None = pydantic.Field(default=None, max_length=MAX_TEXT_LENGTH)
