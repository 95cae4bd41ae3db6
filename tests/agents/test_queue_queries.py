"""The agents' queue is read in a constant number of SQL statements, however many wait."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from helpdesk.agents.models import Agent
from helpdesk.app import create_app
from helpdesk.chat.handover import State
from helpdesk.chat.models import Conversation, Message, Sender
from helpdesk.database import DB
from tests.support.agent_clients import AgentClient, add_agent


@pytest.fixture
def app(clock, settings, fake_bot, detector, translator):
    return lambda: create_app(
        settings, bot=fake_bot, detector=detector, translator=translator, clock=clock
    )


async def add_conversations(app, count: int, *, clock, holder: Agent | None = None) -> None:
    """`count` conversations waiting (or held by `holder`), each with a few messages: the
    shopper's words, a button payload and a bot reply after them."""
    now = clock.now()
    async with app[DB].session() as session:
        for index in range(count):
            conversation = Conversation(
                token_hash=uuid.uuid4().hex,
                shop="test",
                lang="es" if index % 2 else "en",
                state=State.WITH_AGENT if holder else State.QUEUED,
                agent_id=holder.id if holder else None,
                queued_at=now - timedelta(minutes=index),
                claimed_at=now if holder else None,
            )
            session.add(conversation)
            for sender, text in (
                (Sender.SHOPPER, f"first words {index}"),
                (Sender.SHOPPER, f"a person please {index}"),
                (Sender.SHOPPER, "/human_handoff"),
                (Sender.BOT, "someone will answer"),
            ):
                session.add(
                    Message(conversation_id=conversation.id, sender=sender, text=text, lang="en")
                )
        await session.commit()


async def statements_of_queue_read(agent: AgentClient) -> tuple[int, dict]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        queue = await agent.queue()
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return len(statements), queue


async def test_the_queue_is_read_in_as_many_statements_for_30_as_for_2_on_sqlite(
    app, aiohttp_client, clock
):
    await queue_read_in_constant_statements(await aiohttp_client(app()), clock)


async def test_the_queue_is_read_in_as_many_statements_for_30_as_for_2_on_postgres(
    app, aiohttp_client, clock, settings, postgres_url
):
    settings.database_url = postgres_url
    await queue_read_in_constant_statements(await aiohttp_client(app()), clock)


async def queue_read_in_constant_statements(client, clock) -> None:
    app = client.app
    ana = await add_agent(app, "ana@shop.example", role="admin", capacity=50, name="Ana")
    agent = await AgentClient.logged_in(client.make_url("/"), "ana@shop.example")
    try:
        await add_conversations(app, 2, clock=clock)
        await add_conversations(app, 1, clock=clock, holder=ana)
        few, small = await statements_of_queue_read(agent)
        await add_conversations(app, 28, clock=clock)
        await add_conversations(app, 9, clock=clock, holder=ana)
        many, large = await statements_of_queue_read(agent)
    finally:
        await agent.close()
    assert (len(small["queued"]), len(small["mine"])) == (2, 1)
    assert (len(large["queued"]), len(large["mine"])) == (30, 10)
    assert many == few, f"{few} statements for 3 conversations, {many} for 40"
    assert few <= 8
    # Each item still shows the shopper's last words (not the button payload) and who holds it.
    assert all(item["preview"].startswith("a person please") for item in large["queued"])
    assert all(item["agent"] == {"id": ana.id, "name": "Ana"} for item in large["mine"])
