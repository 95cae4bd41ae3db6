"""The bot's side of the chat path: what shoppers wrote goes to the bot in order, one conversation
at a time and each on its own, with no database connection held while the bot or a translator
thinks. A message the bot keeps failing on is answered with an apology and waits no more."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat import conversations as store
from helpdesk.chat import handover
from helpdesk.chat.choices import chosen
from helpdesk.chat.models import (
    Conversation,
    ConversationState,
    Delivery,
    Message,
    Sender,
)
from helpdesk.chat.offers import ASIDES, Offer, answer_to_offer, offer_in
from helpdesk.chat.outbox import Outbox
from helpdesk.chat.payloads import PAYLOAD_PREFIX, ShopperPayloads
from helpdesk.chat.questions import answer_to_question, needs_understanding, numbers_to_look_up
from helpdesk.chat.reading import HANDOFF, as_the_bot_reads
from helpdesk.chat.several_questions import questions_in, waits_for_the_shopper
from helpdesk.clock import Clock
from helpdesk.columns import stored_id
from helpdesk.database import Database
from helpdesk.insights import events
from helpdesk.languages.for_bot import BOT_LANGUAGE, text_for_bot
from helpdesk.languages.letters import as_meant
from helpdesk.languages.translation import Translator
from helpdesk.orders.lookup import existing_numbers
from helpdesk.policies.support_schema import SupportPolicy
from helpdesk.rasa.client import (
    Bot,
    BotFailed,
    BotMessage,
    BotUnavailable,
    Understanding,
    once_per_text,
)

log = logging.getLogger(__name__)
NOTICE_BOT_UNAVAILABLE = "notice_bot_unavailable"
NOTICE_BOT_FAILED = "notice_bot_failed"
NOTICE_AGENTS_AWAY = "notice_agents_away"
MAX_BOT_FAILURES = 3  # then the message is answered with an apology instead of waiting forever
CATCH_UP_WORKERS = 4


class TurnLocks:
    """One turn at a time per conversation, so the bot sees messages in the order they came;
    a lock lives only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(conversation_id, (asyncio.Lock(), 0))
        self._locks[conversation_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[conversation_id]
            if users == 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, users - 1)


@dataclass(frozen=True)
class Turn:
    """A message waiting for the bot, with what is needed to send it (read in one short session)."""

    conversation: Conversation
    message: Message  # the oldest waiting: the one to send now
    newest: Message  # the newest waiting: the one the shopper is looking at
    offered: set[str]
    offer: Offer | None  # the yes/no offer the bot made just before the message, if any
    question: str | None  # the locale key of the bot's last words (its open question, if one)
    asked_for: str | None  # the order number that question named, if any
    known_orders: set[str]  # which numbers in the message are the shop's orders, where it matters
    buttons: list[dict[str, Any]]  # the buttons of the bot's last words


class BotRelay:
    def __init__(
        self,
        *,
        database: Database,
        bot: Bot,
        outbox: Outbox,
        translator: Translator,
        payloads: ShopperPayloads,
        clock: Clock,
        turns: TurnLocks,
        support: Callable[[], SupportPolicy | None],
        native_languages: list[str],
        concurrency: int,
        timeout: float,
    ) -> None:
        self.database, self.bot, self.outbox, self.translator = database, bot, outbox, translator
        self.payloads, self.clock, self.turns, self.support = payloads, clock, turns, support
        self.native_languages = native_languages
        self.timeout = timeout
        # A slow or hung bot must not take every worker with it: calls beyond this wait.
        self._slots = asyncio.Semaphore(concurrency)
        # Messages may wait for the bot: from an outage, or from before this process started.
        self._maybe_waiting = True

    async def answer(self, conversation_id: str) -> None:
        """Send the conversation's waiting messages to the bot, in order (the caller holds its turn)."""
        while (turn := await self._next(conversation_id)) is not None:
            try:
                answer = await self._answer_to(turn)
            except BotFailed as failure:
                log.warning(
                    "the bot failed on message %s of %s: %s",
                    turn.message.id,
                    conversation_id,
                    failure,
                )
                if not await self._failed(turn):
                    return
                continue
            except BotUnavailable as error:
                log.warning("bot unavailable for conversation %s: %s", conversation_id, error)
                self._maybe_waiting = True
                await self._notify(turn.conversation, turn.newest, NOTICE_BOT_UNAVAILABLE)
                return
            try:
                await self._store_answer(turn, answer)
            except Exception:  # noqa: BLE001 - one broken answer must not stop the conversation
                log.exception("storing the bot's answer to message %s failed", turn.message.id)
                if not await self._failed(turn):
                    return

    async def answer_all_pending(self) -> None:
        """After a bot outage or a restart: answer what shoppers wrote while the bot was away,
        each conversation on its own, so that one that fails delays nobody else."""
        if not self._maybe_waiting:
            return
        self._maybe_waiting = False
        async with self.database.session() as session:
            waiting: asyncio.Queue[str] = asyncio.Queue()
            for conversation_id in await store.conversations_with_pending(session):
                waiting.put_nowait(conversation_id)
        if not waiting.empty():
            log.info("answering %d conversations that waited for the bot", waiting.qsize())
        await asyncio.gather(*(self._catch_up(waiting) for _ in range(CATCH_UP_WORKERS)))

    async def _catch_up(self, waiting: asyncio.Queue[str]) -> None:
        while not waiting.empty():
            conversation_id = waiting.get_nowait()
            try:
                async with self.turns.hold(conversation_id):
                    await self.answer(conversation_id)
            except Exception:  # noqa: BLE001 - the next conversation is answered all the same
                log.exception("answering conversation %s after an outage failed", conversation_id)
                self._maybe_waiting = True

    async def _next(self, conversation_id: str) -> Turn | None:
        async with self.database.session() as session:
            conversation = await store.get_conversation(session, conversation_id)
            pending = await store.pending_messages(session, conversation_id)
            if not pending:
                return None
            if conversation.state != ConversationState.BOT:
                for message in pending:  # handed to a person mid-way: the bot stops
                    message.delivery = Delivery.HELD
                    session.add(message)
                await session.commit()
                return None
            message = pending[0]
            offered = (
                await store.offered_payloads(session, conversation_id)
                if message.text.startswith(PAYLOAD_PREFIX)
                else set()
            )
            said = await store.last_said_before(session, conversation_id, stored_id(message))
            if said is not None and said.template_key in ASIDES:
                said = await _offer_before_aside(session, said)
            offer, question, asked_for = _what_was_asked(said)
            candidates = numbers_to_look_up(question, as_meant(message.text), asked_for)
            known = await existing_numbers(session, candidates)
            buttons = list(said.buttons or []) if said else []
            return Turn(
                conversation,
                message,
                pending[-1],
                offered,
                offer,
                question,
                asked_for,
                known,
                buttons,
            )

    async def _answer_to(self, turn: Turn) -> list[BotMessage]:
        """The bot's answer to the message: to each of its questions in turn, when it asks
        several, until an answer waits for the shopper."""
        answer: list[BotMessage] = []
        for text in await self._texts_for_bot(turn):
            said = await self._ask(turn.conversation, text)
            answer += said
            if waits_for_the_shopper(said):
                break
        return answer

    async def _texts_for_bot(self, turn: Turn) -> list[str]:
        """What the bot reads: a payload only as the payload rules allow, English for a language
        it has no native data in (translated now if the message came before the translator)."""
        message = turn.message
        if message.text.startswith(PAYLOAD_PREFIX):
            return [self.payloads.for_bot(message.text, turn.offered)]
        words = as_meant(message.text)  # the shopper's own words, before any translation
        if answer := answer_to_question(turn.question, words, turn.asked_for):
            return [answer]
        if choice := chosen(turn.buttons, words):
            return [choice]
        text = await self._read(turn)
        understand = once_per_text(self._understand)
        if needs_understanding(turn.question, words, turn.asked_for):
            understood = await understand(text)
            if answer := answer_to_question(
                turn.question,
                words,
                turn.asked_for,
                understood=understood,
                known_orders=turn.known_orders,
            ):
                return [answer]
        if turn.offer is not None and (
            answer := await answer_to_offer(turn.offer, text, understand)
        ):
            return [answer]
        read = await as_the_bot_reads(text, understand, turn.question)
        if read == HANDOFF:
            return [read]  # a person, whatever else the message asks
        return await questions_in(text, understand) or [read]

    async def _understand(self, text: str) -> Understanding:
        async with self._slots:
            return await self.bot.understand(text)

    async def _read(self, turn: Turn) -> str:
        """The shopper's words as the bot reads them: native, or translated (once)."""
        message, lang = turn.message, turn.conversation.lang
        if message.translated_lang == BOT_LANGUAGE and message.translated_text:
            return message.translated_text
        read = await text_for_bot(
            message.text, lang, native=self.native_languages, translator=self.translator
        )
        if read.available and read.target != read.source:
            message.translated_text, message.translated_lang = read.text, read.target
        return read.text

    async def _ask(self, conversation: Conversation, text: str) -> list[BotMessage]:
        try:
            async with asyncio.timeout(self.timeout):
                async with self._slots:
                    return await self.bot.send(conversation.id, text, _metadata(conversation))
        except TimeoutError:
            raise BotUnavailable(f"no answer within {self.timeout:g} s") from None

    async def _store_answer(self, turn: Turn, answer: list[BotMessage]) -> None:
        lang = turn.conversation.lang
        replies = await self.outbox.prepare(
            [said for said in answer if said.key or said.text], lang
        )
        escalation = next((said.escalate for said in answer if said.escalate is not None), None)
        now, support = self.clock.now(), self.support()
        routed = handover.route(support, lang, now) if escalation is not None else None
        away = None
        if routed is not None and not routed.open and routed.next_open:
            opens = f"{routed.next_open.isoformat()} {routed.next_open.tzinfo}"
            away = await self.outbox.prepare(
                [BotMessage(key=NOTICE_AGENTS_AWAY, variables={"opens": opens})], lang
            )
        async with self.database.session() as session:
            conversation = await store.get_conversation(session, turn.conversation.id)
            message = await session.get(Message, turn.message.id)
            if message is None or message.delivery != Delivery.PENDING:
                return  # answered meanwhile (a retry on another replica)
            message.delivery = Delivery.ANSWERED
            message.translated_text = turn.message.translated_text
            message.translated_lang = turn.message.translated_lang
            session.add(message)
            escalated = escalation is not None and await handover.escalate(
                session, conversation, escalation, support=support, now=now
            )
            events.bot_turn(
                session, conversation, answer, handed_over=escalation is not None, at=now
            )
            await self.outbox.store(session, conversation, replies, now=now, reply_to=message)
            if escalated and away:
                await self.outbox.store(
                    session, conversation, away, now=now, reply_to=message, sender=Sender.SYSTEM
                )
            await session.commit()
        if escalated:
            self.outbox.publish_state(conversation)

    async def _failed(self, turn: Turn) -> bool:
        """Count a failure of the bot on this message; True when the message waits no more (the
        shopper was told), so that the next one can go."""
        async with self.database.session() as session:
            message = await session.get(Message, turn.message.id)
            if message is None:
                return True
            message.bot_attempts += 1
            given_up = message.bot_attempts >= MAX_BOT_FAILURES
            if given_up:
                message.delivery = Delivery.FAILED
            session.add(message)
            await session.commit()
        if not given_up:
            self._maybe_waiting = True  # tried again at the bot's next health check
        if given_up:
            await self._notify(turn.conversation, turn.message, NOTICE_BOT_FAILED)
        else:
            await self._notify(turn.conversation, turn.newest, NOTICE_BOT_UNAVAILABLE)
        return given_up

    async def _notify(self, conversation: Conversation, message: Message, key: str) -> None:
        """A notice answering `message`, said once per message and key."""
        notice = await self.outbox.prepare([BotMessage(key=key)], conversation.lang)
        async with self.database.session() as session:
            if await store.has_notice(session, stored_id(message), key):
                return
            current = await store.get_conversation(session, conversation.id)
            await self.outbox.store(
                session,
                current,
                notice,
                now=self.clock.now(),
                reply_to=message,
                sender=Sender.SYSTEM,
            )


async def _offer_before_aside(session: AsyncSession, aside: Message) -> Message:
    """The bot's words before an aside's answer when they offered something, else the answer."""
    before = await store.last_said_before(session, aside.conversation_id, stored_id(aside))
    return before if before is not None and offer_in(before.buttons) else aside


def _what_was_asked(said: Message | None) -> tuple[Offer | None, str | None, str | None]:
    """(the yes/no offer, the question's locale key, the order number it named) of the bot's
    last words before a message."""
    if said is None:
        return None, None, None
    named = (said.template_vars or {}).get("order_number")
    return offer_in(said.buttons), said.template_key, str(named) if named else None


def _metadata(conversation: Conversation) -> dict[str, Any]:
    return {
        "lang": conversation.lang,
        "shop": conversation.shop,
        "conversation_id": conversation.id,
    }
