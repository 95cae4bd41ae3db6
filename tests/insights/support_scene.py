"""What the event-log and KPI tests share: a helpdesk on SQLite or PostgreSQL whose clock stands
still where a test puts it (so that reply times are exact), a bot that says what it understood,
agents, the sweep that records the bot's resolutions, and a week of ten known conversations."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from sqlmodel import col, select

from helpdesk.agents.api import DESK
from helpdesk.app import create_app
from helpdesk.chat.api import CHAT
from helpdesk.clock import SetClock
from helpdesk.database import DB
from helpdesk.insights.bot_resolutions import BotResolutions
from helpdesk.insights.events import ConversationEvent
from helpdesk.orders.models import Order
from helpdesk.orders.verification import Proof, verify_order
from helpdesk.rasa.client import BotMessage
from tests.conftest import Shopper, open_session
from tests.support import servers
from tests.support.agent_clients import add_agent, policies_with_support

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
WEDNESDAY = datetime(2026, 11, 18, tzinfo=AMSTERDAM)  # a Wednesday in November: UTC+1
NINE_TO_FIVE = {
    day: "09:00-17:00" for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def understood(key: str, intent: str, confidence: float, **variables) -> BotMessage:
    """A response as our NLG endpoint hands it on: with what the NLU read in the message."""
    return BotMessage(key=key, variables=variables, intent=intent, confidence=confidence)


ANSWERED = [understood("utter_order_cancelled", "order_status", 0.91, order_number="10045")]
SCRIPT = {
    "hello there": [understood("utter_greet", "greet", 0.99)],
    "was my order cancelled?": ANSWERED,
    "do I have a rewards account?": [
        understood("utter_loyalty_no_account", "loyalty_balance", 0.88)
    ],
    "where is my parcel?": [understood("utter_ask_order_number", "order_status", 0.95)],
    "purple monkey dishwasher": [understood("utter_ask_rephrase", "nlu_fallback", 0.12)],
    "a person please": [
        understood("utter_handoff", "human_handoff", 0.97),
        BotMessage(escalate={"reason": "human_handoff", "intents": ["human_handoff"]}),
    ],
}


class StoppedClock(SetClock):
    """Stands still where it is set: a reply 4 minutes after an escalation took 4 minutes."""

    def now(self) -> datetime:
        return self._instant


async def fresh_database_url(postgres_server: str | None, tmp_path) -> tuple[str, str | None]:
    """(url, PostgreSQL database to drop afterwards) of an empty database."""
    if postgres_server is None:
        return f"sqlite:///{tmp_path / 'insights.db'}", None
    name = f"helpdesk_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_server)
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    return servers.with_database(postgres_server, name), name


async def drop_database(postgres_server: str, name: str) -> None:
    admin = await asyncpg.connect(postgres_server)
    await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    await admin.close()


class Helpdesk:
    """The app, its clock, and what a test does with them."""

    def __init__(self, client, clock: StoppedClock) -> None:
        self.client, self.clock, self.app = client, clock, client.app
        self.shoppers: dict[str, Shopper] = {}  # live_through_the_week's, by name

    @classmethod
    async def started(cls, aiohttp_client, settings, detector, translator, tmp_path, bot):
        app, clock = cls.built(settings, detector, translator, tmp_path, bot)
        return cls(await aiohttp_client(app), clock)

    @staticmethod
    def built(settings, detector, translator, tmp_path, bot):
        """The app on the teams' nine-to-five hours, and its clock on Wednesday at 10:00."""
        settings.policies_dir = policies_with_support(
            tmp_path / "policies", eu_hours=NINE_TO_FIVE, americas_hours=NINE_TO_FIVE
        )
        clock = StoppedClock(WEDNESDAY + timedelta(hours=10))
        app = create_app(settings, bot=bot, detector=detector, translator=translator, clock=clock)
        return app, clock

    def at(self, day: int, hour: int, minute: int = 0) -> None:
        """Days after Wednesday 18 November 2026, at a time in Amsterdam."""
        self.clock.set(WEDNESDAY + timedelta(days=day, hours=hour, minutes=minute))

    @property
    def desk(self):
        return self.app[DESK]

    async def agent(self, email: str):
        return await add_agent(self.app, email, team="eu")

    async def shopper(self, *said: str) -> Shopper:
        shopper = await open_session(self.client, "en")
        for text in said:
            await shopper.say(text)
        return shopper

    async def rate(self, shopper: Shopper, score: int, comment: str | None = None):
        return await self.client.post(
            f"/api/chat/sessions/{shopper.session_id}/rating",
            headers=shopper.auth,
            json={"score": score, **({"comment": comment} if comment else {})},
        )

    async def sweep(self) -> int:
        chat = self.app[CHAT]
        resolutions = BotResolutions(
            database=self.app[DB], outbox=chat.outbox, clock=self.clock, turns=chat.turns
        )
        return await resolutions.sweep()

    async def events(self, conversation_id: str) -> list[ConversationEvent]:
        async with self.app[DB].session() as session:
            query = (
                select(ConversationEvent)
                .where(ConversationEvent.conversation_id == conversation_id)
                .order_by(col(ConversationEvent.id))
            )
            return list(await session.exec(query))

    async def kinds(self, conversation_id: str) -> list[str]:
        return [event.kind for event in await self.events(conversation_id)]


async def prove(helpdesk: Helpdesk, shopper, number: str, country: str) -> None:
    """The shopper proves an order, as the bot's verification action does."""
    async with helpdesk.app[DB].session() as session:
        order = Order(
            number=number,
            email=f"{number}@example.com",
            postal_code="1016GV",
            country=country,
            currency="EUR",
            placed_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        session.add(order)
        await session.commit()
        proof = Proof(order_number=number, email=f"{number}@example.com")
        assert await verify_order(session, shopper.session_id, proof, now=helpdesk.clock.now())


async def live_through_the_week(helpdesk: Helpdesk) -> dict[str, str]:
    """Ten conversations on Wednesday 18 November (and what followed); their ids by name."""
    desk = helpdesk.desk
    ana, bea = await helpdesk.agent("ana@shop.example"), await helpdesk.agent("bea@shop.example")

    helpdesk.at(0, 10, 30)  # Wednesday morning: seven shoppers talk to the bot
    greeted = await helpdesk.shopper("hello there", "was my order cancelled?")
    cancelled = await helpdesk.shopper("was my order cancelled?")
    await prove(helpdesk, cancelled, "10045", "DE")
    no_account = await helpdesk.shopper("do I have a rewards account?")
    confused = await helpdesk.shopper("purple monkey dishwasher", "was my order cancelled?")
    comes_back = await helpdesk.shopper("was my order cancelled?")
    happy = await helpdesk.shopper("do I have a rewards account?")
    abandoned = await helpdesk.shopper("where is my parcel?")  # and leaves without an answer

    helpdesk.at(0, 11, 0)  # three ask for a person; Ana and Bea answer two of them at once
    quick = await helpdesk.shopper("was my order cancelled?", "a person please")
    await prove(helpdesk, quick, "20001", "US")
    helpdesk.at(0, 11, 4)
    await desk.claim(ana, quick.session_id)
    helpdesk.at(0, 11, 6)
    await desk.reply(ana, quick.session_id, "Let me check.", internal=False)
    helpdesk.at(0, 11, 10)
    lost = await helpdesk.shopper("purple monkey dishwasher", "a person please")
    helpdesk.at(0, 11, 12)
    await desk.claim(bea, lost.session_id)
    helpdesk.at(0, 11, 13)
    await desk.reply(bea, lost.session_id, "Hello!", internal=False)
    helpdesk.at(0, 11, 30)
    await desk.resolve(ana, quick.session_id)
    helpdesk.at(0, 11, 31)
    assert (await helpdesk.rate(quick, 4)).status == 200
    helpdesk.at(0, 11, 35)
    await desk.resolve(bea, lost.session_id)

    helpdesk.at(0, 11, 45)  # the bot's six answers have had an hour's quiet
    assert await helpdesk.sweep() == 6
    assert (await helpdesk.rate(happy, 5, "quick and clear")).status == 200

    helpdesk.at(0, 16, 50)  # five minutes before closing time someone asks for a person
    late = await helpdesk.shopper("where is my parcel?")
    helpdesk.at(0, 16, 55)
    await late.say("a person please")
    helpdesk.at(1, 9, 3)  # Thursday morning
    await desk.claim(ana, late.session_id)
    helpdesk.at(1, 9, 5)
    await desk.reply(ana, late.session_id, "Sorry for the wait.", internal=False)
    helpdesk.at(1, 9, 45)
    await desk.resolve(ana, late.session_id)
    helpdesk.at(1, 9, 46)
    assert (await helpdesk.rate(late, 2, "too slow")).status == 200

    helpdesk.at(2, 9, 0)  # Friday: one comes back within the week, and the bot answers again
    await comes_back.say("do I have a rewards account?")
    helpdesk.at(2, 10, 15)
    assert await helpdesk.sweep() == 1
    helpdesk.shoppers = {
        name: shopper
        for name, shopper in {
            "greeted": greeted,
            "cancelled": cancelled,
            "no_account": no_account,
            "confused": confused,
            "comes_back": comes_back,
            "happy": happy,
            "abandoned": abandoned,
            "quick": quick,
            "lost": lost,
            "late": late,
        }.items()
    }
    return {name: shopper.session_id for name, shopper in helpdesk.shoppers.items()}
