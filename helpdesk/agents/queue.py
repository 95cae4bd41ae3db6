"""The queue agents work from: claim (atomically), hold, transfer, resolve, and which
conversations an agent may see. Plain functions on a database session; no HTTP here."""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn

from sqlalchemy import func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.models import Agent, Role
from helpdesk.chat.conversations import ConversationNotFound, get_conversation
from helpdesk.chat.handover import State
from helpdesk.chat.models import Conversation
from helpdesk.columns import stored_id
from helpdesk.errors import BadRequest, HelpdeskError
from helpdesk.insights import events
from helpdesk.policies.support_schema import SupportPolicy


class AlreadyClaimed(HelpdeskError):
    status = 409
    code = "taken"


class AtCapacity(HelpdeskError):
    status = 409
    code = "at_capacity"


class WrongState(HelpdeskError):
    status = 409
    code = "wrong_state"


class NotYours(HelpdeskError):
    status = 403
    code = "not_yours"


class NotYourTeam(HelpdeskError):
    """Agents read, preview and claim what their team's queue shows them; admins read everything."""

    status = 403
    code = "other_team"


async def open_conversations(session: AsyncSession, agent_id: int) -> int:
    query = select(func.count()).where(
        Conversation.agent_id == agent_id, Conversation.state == State.WITH_AGENT
    )
    return (await session.exec(query)).one()


async def _refuse_at_capacity(session: AsyncSession, agent: Agent) -> None:
    held = await open_conversations(session, stored_id(agent))
    if held >= agent.capacity:
        raise AtCapacity(
            f"{agent.name} has {held} open conversations and a capacity of "
            f"{agent.capacity}: resolve or transfer one first"
        )


async def _lock_agent(session: AsyncSession, agent_id: int) -> None:
    """Serialise an agent's claims: PostgreSQL locks the agent's row until commit (SQLite
    serialises every write anyway), so the capacity count below cannot be read twice at once."""
    await session.exec(select(Agent.id).where(Agent.id == agent_id).with_for_update())


async def claim(
    session: AsyncSession, conversation_id: str, agent: Agent, *, now: datetime
) -> Conversation:
    """Give a queued conversation of the agent's team to `agent`, within the agent's capacity,
    and record it (the claimed event); the caller commits, with what the claim tells the shopper.
    One UPDATE guarded by the state, the team and the agent's open count, returning the row it
    changed: under any number of concurrent claims exactly one changes the row, and an agent
    never goes over capacity. The caller has refused what reading alone could tell
    (refuse_unless_claimable), so this runs for claims that will most likely win."""
    if session.sync_session.get_bind().dialect.name != "sqlite":
        await _lock_agent(session, stored_id(agent))  # SQLite: the writer is one connection
    held = (
        select(func.count())
        .select_from(Conversation)
        .where(col(Conversation.agent_id) == agent.id, col(Conversation.state) == State.WITH_AGENT)
        .scalar_subquery()
    )
    guard = [
        col(Conversation.id) == conversation_id,
        col(Conversation.state) == State.QUEUED,
        held < agent.capacity,
    ]
    if agent.role != Role.ADMIN:
        guard.append(or_(col(Conversation.team).is_(None), col(Conversation.team) == agent.team))
    claimed = (
        await session.exec(
            update(Conversation)
            .where(*guard)
            .values(
                state=State.WITH_AGENT,
                agent_id=agent.id,
                claimed_at=now,
                updated_at=now,
                state_version=col(Conversation.state_version) + 1,
            )
            .returning(Conversation)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
    ).scalar_one_or_none()
    if claimed is None:  # lost the race after the read: say why from a fresh read
        await session.rollback()
        conversation, _holder = await with_holder(session, conversation_id)
        await _why_not_claimed(session, conversation, agent)
    await events.claimed(session, claimed, stored_id(agent), at=now)
    return claimed


async def with_holder(
    session: AsyncSession, conversation_id: str
) -> tuple[Conversation, Agent | None]:
    """The conversation and its agent, in one query: what a lost claim says. (The caller keeps
    the agent: the session remembers only objects someone still holds.)"""
    row = (
        await session.exec(
            select(Conversation, Agent)
            .join(Agent, col(Agent.id) == col(Conversation.agent_id), isouter=True)
            .where(col(Conversation.id) == conversation_id)
        )
    ).first()
    if row is None:
        raise ConversationNotFound(f"no conversation {conversation_id}")
    return row[0], row[1]


async def refuse_unless_claimable(
    session: AsyncSession, conversation: Conversation, agent: Agent
) -> None:
    """What a claim can tell from reading alone: not the agent's to read, or no longer waiting
    (most lost claims). Said without a lock or a write; the guarded UPDATE decides the rest."""
    refuse_unless_readable(conversation, agent)
    if conversation.state != State.QUEUED:
        await _why_not_claimed(session, conversation, agent)


async def _why_not_claimed(
    session: AsyncSession, conversation: Conversation, agent: Agent
) -> NoReturn:
    holder = await session.get(Agent, conversation.agent_id) if conversation.agent_id else None
    if conversation.state == State.WITH_AGENT and holder is not None:
        raise AlreadyClaimed(f"{holder.name} already has this conversation")
    if conversation.state != State.QUEUED:
        raise AlreadyClaimed(f"this conversation is no longer waiting (it is {conversation.state})")
    refuse_unless_readable(conversation, agent)  # moved to another team meanwhile
    await _refuse_at_capacity(session, agent)
    raise AlreadyClaimed("this conversation changed meanwhile: reload the queue")


async def held_by(session: AsyncSession, conversation_id: str, agent: Agent) -> Conversation:
    """The conversation if `agent` has it (admins may act on any); NotYours / WrongState else."""
    conversation = await get_conversation(session, conversation_id)
    if conversation.state != State.WITH_AGENT:
        raise WrongState(
            f"this conversation is {conversation.state}, not with an agent: claim it first"
            if conversation.state == State.QUEUED
            else f"this conversation is {conversation.state}, not with an agent"
        )
    if conversation.agent_id != agent.id and agent.role != Role.ADMIN:
        raise NotYours("another agent has this conversation")
    return conversation


async def transfer_to_team(
    session: AsyncSession,
    conversation: Conversation,
    team: str,
    *,
    support: SupportPolicy | None,
    now: datetime,
) -> Conversation:
    if support is not None and team not in support.teams:
        raise BadRequest(f"no team {team!r}; teams: {', '.join(support.teams)}")
    by_agent_id = conversation.agent_id
    conversation.state, conversation.team, conversation.agent_id = State.QUEUED, team, None
    conversation.queued_at = conversation.updated_at = now
    conversation.state_version += 1
    session.add(conversation)
    events.transferred(session, conversation, by_agent_id=by_agent_id, at=now)
    await session.commit()
    return conversation


async def transfer_to_agent(
    session: AsyncSession, conversation: Conversation, agent_id: int, *, now: datetime
) -> tuple[Conversation, Agent]:
    colleague = await session.get(Agent, agent_id)
    if colleague is None or not colleague.active:
        raise BadRequest(f"no active agent with id {agent_id}")
    await _lock_agent(session, stored_id(colleague))
    await _refuse_at_capacity(session, colleague)
    by_agent_id = conversation.agent_id
    conversation.agent_id, conversation.team = colleague.id, colleague.team
    conversation.claimed_at = conversation.updated_at = now
    conversation.state_version += 1
    session.add(conversation)
    events.transferred(session, conversation, by_agent_id=by_agent_id, at=now)
    await session.commit()
    return conversation, colleague


async def resolve(
    session: AsyncSession, conversation: Conversation, *, now: datetime
) -> Conversation:
    conversation.state = State.RESOLVED
    conversation.resolved_at = conversation.updated_at = now
    conversation.state_version += 1
    session.add(conversation)
    await events.resolved_by_agent(session, conversation, at=now)
    await session.commit()
    return conversation


async def queue_for(
    session: AsyncSession, agent: Agent
) -> tuple[list[Conversation], list[Conversation]]:
    """(waiting for the agent's team, highest priority then first come first served;
    the conversations the agent has). Admins see every team's queue."""
    waiting = select(Conversation).where(Conversation.state == State.QUEUED)
    if agent.role != Role.ADMIN:
        waiting = waiting.where(
            or_(col(Conversation.team) == agent.team, col(Conversation.team).is_(None))
        )
    waiting = waiting.order_by(col(Conversation.priority).desc(), col(Conversation.queued_at))
    mine = (
        select(Conversation)
        .where(Conversation.state == State.WITH_AGENT, Conversation.agent_id == agent.id)
        .order_by(col(Conversation.claimed_at))
    )
    return list(await session.exec(waiting)), list(await session.exec(mine))


def in_team_queue(conversation: Conversation, agent: Agent) -> bool:
    """The conversation is routed to the agent's team (or to none); admins work every team's.
    queue_for asks the database the same question."""
    return agent.role == Role.ADMIN or conversation.team in (None, agent.team)


def readable_by(conversation: Conversation, agent: Agent) -> bool:
    """What an agent may open, preview and claim: what their team's queue shows, and what they
    hold. Conversations that never asked for a person are the shop's business: admins only."""
    if agent.role == Role.ADMIN or (
        conversation.agent_id is not None and conversation.agent_id == agent.id
    ):
        return True
    return conversation.queued_at is not None and in_team_queue(conversation, agent)


def refuse_unless_readable(conversation: Conversation, agent: Agent) -> None:
    if readable_by(conversation, agent):
        return
    if conversation.queued_at is None:
        raise NotYourTeam(
            "this conversation is with the bot and never asked for a person: "
            "only admins can read it"
        )
    raise NotYourTeam(
        f"this conversation is for team {conversation.team}; ask an admin or a "
        f"colleague of that team to transfer it to you"
    )


def visible_to(conversation: Conversation, agent: Agent) -> bool:
    """Whether the agent's workspace shows this conversation live."""
    if conversation.state == State.WITH_AGENT:
        return conversation.agent_id == agent.id or agent.role == Role.ADMIN
    return conversation.state == State.QUEUED and in_team_queue(conversation, agent)


def concerns(conversation: Conversation, agent: Agent) -> bool:
    """Queue changes an agent must hear of: their team's queue, and conversations they had."""
    return in_team_queue(conversation, agent) or conversation.agent_id == agent.id
