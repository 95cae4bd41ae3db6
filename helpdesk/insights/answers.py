"""The support KPIs as answers: typed, for the command line and the insights API (whose answers
echo what was asked: "from" and "to", both days included)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from helpdesk.insights.influence import SupportInfluence
from helpdesk.insights.retention import Retention


class Durations(BaseModel):
    count: int
    median_seconds: float | None
    p90_seconds: float | None


class IntentCount(BaseModel):
    intent: str
    handovers: int


class SupportKpis(BaseModel):
    """The KPIs of one period and group; each rate is None when nothing was there to count."""

    period: date  # its first day
    group: str  # "all", or the group's language, intent, team, agent email or market
    conversations: int
    automated: int
    automation_rate: float | None
    handed_over: int
    handover_rate: float | None
    durable: int
    durable_resolution_rate: float | None
    resolved: int
    reopened: int
    reopen_rate: float | None
    bot_turns: int
    fallbacks: int
    fallback_rate: float | None
    handover_intents: list[IntentCount]
    first_human_reply: Durations
    resolution_time: Durations
    queue_wait: Durations
    waits_judged: int
    answered_in_time: int
    answered_in_time_rate: float | None
    ratings: int
    satisfied: int
    csat: float | None
    resolutions: int
    response_rate: float | None
    comments: int


class Comment(BaseModel):
    period: date
    group: str
    conversation_id: str
    at: datetime
    rating: int
    comment: str


class BehindConversation(BaseModel):
    """A conversation behind a figure (insights/drilldown.py)."""

    conversation_id: str
    opened_at: datetime
    lang: str  # its language now
    state: str  # its state now: bot, queued, with_agent, resolved
    group: str  # as the figures name it; "all" without a split
    handed_over: bool
    automated: bool
    resolutions: int
    reopened: bool
    fallbacks: int


class BehindPage(BaseModel):
    total: int  # the conversations of this kind (and group) in the range
    next_offset: int | None  # where the next page starts; None on the last
    conversations: list[BehindConversation]


class Asked(BaseModel):
    """The days an answer is about, as they were asked for (or defaulted)."""

    model_config = ConfigDict(populate_by_name=True)

    first: date = Field(alias="from")
    last: date = Field(alias="to")


class SupportAnswer(Asked):
    by: str | None
    period: str
    hours: str
    figures: list[SupportKpis]


class CommentsAnswer(Asked):
    by: str | None
    period: str
    comments: list[Comment]


class ConversationsAnswer(Asked, BehindPage):
    kind: str
    by: str | None
    group: str | None
    limit: int
    offset: int


class RetentionAnswer(Asked, Retention):
    """Retention (insights/retention.py) of the moments from `from` 00:00 to the end of `to`."""


class InfluenceAnswer(Asked, SupportInfluence):
    """Support-influenced revenue (insights/influence.py) of the conversations of the days."""
