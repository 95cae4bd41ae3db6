"""The figures read at scrape time: the queue of each team from the database (so that every
replica reports the same queue), and this replica's open websockets, agents' workspaces and bot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat.models import Conversation, ConversationState
from helpdesk.clock import aware

NO_TEAM = "none"  # conversations queued before support.yml named a team for them


@dataclass(frozen=True)
class TeamQueue:
    team: str
    waiting: int
    oldest_wait_seconds: float


async def queues_by_team(
    session: AsyncSession, *, teams: Iterable[str], now: datetime
) -> list[TeamQueue]:
    """Every team's queue now: `teams` (those of support.yml) always, at 0 when empty, so that a
    queue that empties reads 0 rather than vanishing; and any other team a conversation waits in."""
    query = (
        select(col(Conversation.team), func.count(), func.min(col(Conversation.queued_at)))
        .where(col(Conversation.state) == ConversationState.QUEUED)
        .group_by(col(Conversation.team))
    )
    found = {
        team or NO_TEAM: (
            count,
            max(0.0, (now - aware(oldest)).total_seconds()) if oldest is not None else 0.0,
        )
        for team, count, oldest in await session.exec(query)
    }
    names = list(dict.fromkeys([*teams, *sorted(found)]))
    return [TeamQueue(name, *found.get(name, (0, 0.0))) for name in names]


def queue_families(queues: list[TeamQueue]) -> list[Metric]:
    length = GaugeMetricFamily(
        "helpdesk_queue_length",
        "Conversations waiting for an agent, per team (from the database: every replica agrees).",
        labels=["team"],
    )
    oldest = GaugeMetricFamily(
        "helpdesk_queue_oldest_wait_seconds",
        "How long the longest-waiting conversation of each team's queue has waited (0: none).",
        labels=["team"],
    )
    for queue in queues:
        length.add_metric([queue.team], queue.waiting)
        oldest.add_metric([queue.team], queue.oldest_wait_seconds)
    return [length, oldest]


def bot_families(status: str, statuses: Iterable[str]) -> list[Metric]:
    up = GaugeMetricFamily(
        "helpdesk_bot_up", "1 when the bot (Rasa) answers with a loaded model, else 0."
    )
    up.add_metric([], 1 if status == "ready" else 0)
    state = GaugeMetricFamily(
        "helpdesk_bot_state",
        "The bot's state as this replica's health watcher sees it: 1 for the current one.",
        labels=["state"],
    )
    for each in statuses:
        state.add_metric([each], 1 if each == status else 0)
    return [up, state]


def live_families(open_sockets: int, agent_workspaces: int) -> list[Metric]:
    sockets = GaugeMetricFamily(
        "helpdesk_websocket_connections",
        "Websockets open on this replica (shoppers' widgets and agents' workspaces).",
    )
    sockets.add_metric([], open_sockets)
    agents = GaugeMetricFamily(
        "helpdesk_agents_online",
        "Agent workspaces listening live on this replica (one per open workspace tab).",
    )
    agents.add_metric([], agent_workspaces)
    return [sockets, agents]
