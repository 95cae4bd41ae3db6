"""The suite's runner checks what it says it checks, over the real chat API (with a fake bot)."""

from __future__ import annotations

from contextlib import asynccontextmanager

from sqlmodel import select

from helpdesk.app import create_app
from helpdesk.chat.models import Conversation as StoredConversation
from helpdesk.database import DB
from helpdesk.orders.demo import load_demo_shop
from helpdesk.policies import load_policies
from tests.conversations.runner import (
    ChatEndpoint,
    Said,
    end_problems,
    run_conversations,
    turn_problems,
)
from tests.conversations.suite import Conversation, Turn

SECRET = "identity-secret-for-tests"


def conversation(*turns: Turn, handed_over: bool | None = None, identity=None) -> Conversation:
    return Conversation(
        id="en-test",
        lang="en",
        part="tuning",
        kinds=("handover",),
        turns=turns,
        identity=identity,
        handed_over=handed_over,
    )


def test_a_turn_fails_on_a_missing_fact_a_forbidden_one_a_button_and_the_language():
    turn = Turn("hi", expect=("Atelier", "10045"), forbid=("sorry",), buttons=("person",))
    replies = [Said("bot", "Hi, Atelier Nord here. Sorry!", "es", ("Yes",))]
    assert turn_problems(turn, replies, "en") == [
        "message in 'es', not 'en': 'Hi, Atelier Nord here. Sorry!'",
        "expected /10045/: not found",
        "forbidden /sorry/ found",
        "no button matches /person/ (buttons: ['Yes'])",
    ]
    assert turn_problems(turn, [], "en") == ["the bot did not reply"]


def test_the_end_is_read_from_the_state():
    assert end_problems(conversation(Turn("x"), handed_over=True), "queued") == []
    assert end_problems(conversation(Turn("x"), handed_over=False), "bot") == []
    assert end_problems(conversation(Turn("x"), handed_over=True), "bot")
    assert end_problems(conversation(Turn("x")), "queued") == []  # not asked: not checked


async def test_conversations_run_through_the_chat_api_signed_in_and_handed_over(
    aiohttp_server, settings, fake_bot, detector, translator, clock
):
    signed = settings.model_copy(update={"identity_secret": SECRET})
    server = await aiohttp_server(
        create_app(signed, bot=fake_bot, detector=detector, translator=translator, clock=clock)
    )
    async with server.app[DB].session() as session:
        await load_demo_shop(session, load_policies(signed.policies_dir), today=clock.today())

    @asynccontextmanager
    async def the_shop():
        yield ChatEndpoint(str(server.make_url("")).rstrip("/"), SECRET, clock.now)

    greeted = conversation(
        Turn("hi", expect=("Atelier Nord",), buttons=("person",)),
        Turn("a person please", expect=("colleague",)),
        handed_over=True,
        identity="emma.johnson@example.com",
    )
    wrong = conversation(Turn("hi", expect=("10045",)), handed_over=False)
    outcomes = await run_conversations(the_shop, [greeted, wrong])

    assert [outcome.passed for outcome in outcomes] == [True, False]
    assert outcomes[0].state == "queued"
    assert outcomes[1].first_failure == (1, ["expected /10045/: not found"])
    async with server.app[DB].session() as session:
        addresses = (await session.exec(select(StoredConversation.client_address))).all()
    assert sorted(addresses) == ["127.100.0.1", "127.100.0.2"]  # each from its own address
