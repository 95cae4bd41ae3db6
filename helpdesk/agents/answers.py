"""What the agent API answers, as typed models: the shapes /api/openapi.yaml describes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict

from helpdesk.agents.models import AgentPublic


class Answer(BaseModel):
    """An answer: serialised with its aliases ("from"), in JSON types."""

    model_config = ConfigDict(populate_by_name=True)

    def json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class AgentRef(Answer):
    id: int
    name: str


class Translated(Answer):
    text: str
    lang: str


class QueueItem(Answer):
    """A conversation as the queue shows it."""

    id: str
    state: str
    lang: str
    team: str | None
    reason: str | None
    priority: Literal["high", "normal"]
    queued_at: datetime | None
    waiting_too_long: bool
    outside_hours: bool
    preview: str  # the shopper's last message, as written
    preview_translation: str | None
    agent: AgentRef | None
    contact_email: str | None


class AgentMessage(Answer):
    """One message, with what the agent reads of it in their own language."""

    id: int
    sender: str = pydantic.Field(serialization_alias="from")
    text: str
    lang: str | None
    translation: Translated | None  # for the agent's own reply: the original they wrote
    translation_missing: bool
    author: str | None
    internal: bool
    buttons: list[dict[str, str]]
    created_at: datetime | None


class OrderLine(Answer):
    sku: str
    name: str
    quantity: int
    unit_price: str
    final_sale: bool


class ShipmentLine(Answer):
    carrier: str
    tracking_number: str
    shipped_on: str | None
    estimated_delivery: str | None
    delivered_on: str | None


class ReturnLine(Answer):
    rma: str
    status: str
    refund_status: str
    refund_amount: str
    items: list[dict[str, Any]]


class NamedOrder(Answer):
    """An order the shopper named without proving it: no personal data."""

    number: str
    verified: Literal[False] = False


class VerifiedOrder(Answer):
    number: str
    verified: Literal[True] = True
    status: str
    total: str
    currency: str
    country: str
    placed_at: datetime | None
    customer: str | None
    email: str
    items: list[OrderLine]
    shipments: list[ShipmentLine]
    returns: list[ReturnLine]


class Verification(Answer):
    verified_orders: list[str]
    identity: str | None
    failed_attempts: int


class Rating(Answer):
    score: int
    comment: str | None


class AgentConversation(QueueItem):
    summary: dict[str, Any]
    order: VerifiedOrder | NamedOrder | None
    verification: Verification
    rating: Rating | None
    messages: list[AgentMessage]


class Queue(Answer):
    queued: list[QueueItem]
    mine: list[QueueItem]
    at_capacity: bool


class SentReply(Answer):
    message: AgentMessage
    translated: bool  # the shopper reads a translation
    notice: str | None  # no translation package covers the pair: sent as written


class Preview(Answer):
    text: str
    lang: str
    translated: bool


class CannedReply(Answer):
    key: str
    text: str


class CannedReplies(Answer):
    replies: list[CannedReply]


class Colleague(Answer):
    id: int
    name: str
    team: str
    languages: list[str]


class Directory(Answer):
    teams: list[str]
    agents: list[Colleague]


class LoggedIn(Answer):
    agent: AgentPublic
    csrf_token: str
