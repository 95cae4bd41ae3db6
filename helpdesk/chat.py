"""A shopper's turn: store the message first, then the bot answers (unless a person has it)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from typing import Any

from helpdesk import conversations as store
from helpdesk import handover
from helpdesk.bot import Bot, BotMessage, BotUnavailable
from helpdesk.clock import Clock
from helpdesk.database import Database
from helpdesk.errors import BadRequest, HelpdeskError
from helpdesk.events import AGENTS, EventHub
from helpdesk.language import LanguageDetector
from helpdesk.outbox import Outbox
from helpdesk.translation import Translator
from helpdesk.locales import Locales
from helpdesk.models import (Conversation, ConversationState, Delivery, Message, Sender,
                             SignedIdentity)
from helpdesk.orders.verification import verify_identity
from helpdesk.policies.store import PoliciesUnavailable, PolicyStore
from helpdesk.policies.support_schema import SupportPolicy
from helpdesk.settings import Settings

log = logging.getLogger(__name__)
NOTICE_BOT_UNAVAILABLE = "notice_bot_unavailable"
NOTICE_AGENTS_AWAY = "notice_agents_away"
NOTICE_CONTACT_SAVED = "notice_contact_saved"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class NeverResolved(HelpdeskError):
    status = 409


class Chat:
    """The chat path of DESIGN.md: every message is stored before anything else happens."""

    def __init__(self, settings: Settings, database: Database, bot: Bot, locales: Locales,
                 events: EventHub, detector: LanguageDetector, translator: Translator,
                 policies: PolicyStore | None = None, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or Clock()
        self.policies = policies
        self.detector = detector
        self.translator = translator
        self.outbox = Outbox(locales, translator, events)
        self.database = database
        self.bot = bot
        self.locales = locales
        self.events = events
        # One turn at a time per conversation, so the bot sees messages in the order they came.
        self._turns: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        # Messages may wait for the bot: from an outage, or from before this process started.
        self._maybe_waiting = True

    async def open(self, locale: str | None, identity: SignedIdentity | None = None
                   ) -> tuple[Conversation, str, bool]:
        """A new conversation, its token, and whether the shop's signed identity checked out."""
        async with self.database.session() as session:
            conversation, token = await store.create_conversation(
                session, shop=self.settings.shop, locale=locale, lang=self._language_of(locale))
            identified = identity is not None and await verify_identity(
                session, conversation.id, email=identity.email, signature=identity.signature,
                secret=self.settings.identity_secret, now=self.clock.now())
        if identity is not None and not identified:
            log.warning("conversation %s: the shop's identity signature did not match "
                        "(is IDENTITY_SECRET the shop's secret?)", conversation.id)
        return conversation, token, identified

    async def choose_language(self, conversation_id: str, locale: str) -> Conversation:
        """The shopper picked a language in the widget: answers come in it from now on."""
        code = locale.split("-")[0].lower()
        if code not in self.settings.languages:
            raise BadRequest(f"this shop chats in {', '.join(self.settings.languages)}; "
                             f"{locale!r} is not one of them")
        async with self._turns[conversation_id]:
            async with self.database.session() as session:
                conversation = await store.get_conversation(session, conversation_id)
                conversation.locale, conversation.lang = locale, code
                session.add(conversation)
                await session.commit()
        return conversation

    def _language_of(self, locale: str | None) -> str:
        code = (locale or "").split("-")[0].lower()
        return code if code in self.settings.languages else "en"

    async def authenticate(self, conversation_id: str, token: str | None) -> Conversation:
        async with self.database.session() as session:
            return await store.authenticate(session, conversation_id, token)

    async def transcript(self, conversation_id: str, *, after: int = 0) -> list[Message]:
        async with self.database.session() as session:
            return await store.transcript(session, conversation_id, after=after)

    async def receive(self, conversation_id: str, text: str, client_id: str
                      ) -> tuple[list[Message], Conversation]:
        """Store the shopper's message, let the bot answer; (the replies to it, the conversation
        as it is now)."""
        async with self._turns[conversation_id]:
            async with self.database.session() as session:
                conversation = await store.get_conversation(session, conversation_id)
                reopened = handover.reopen(conversation, self.clock.now())
                await self._follow_language(session, conversation, text)
                for_bot = await self._for_the_bot(conversation, text)
                message, is_new = await store.store_shopper_message(
                    session, conversation, text=text, client_id=client_id, for_bot=for_bot)
                if is_new:
                    self.outbox.publish(message, conversation)
                    await self._keep_contact_email(session, conversation, message)
            if reopened:
                self.outbox.publish_state(conversation)
            if conversation.state == ConversationState.BOT:
                await self._answer_pending(conversation_id)
            async with self.database.session() as session:
                conversation = await store.get_conversation(session, conversation_id)
                return await store.replies_to(session, message.id), conversation

    def support(self) -> SupportPolicy | None:
        try:
            return self.policies.policies.support if self.policies else None
        except PoliciesUnavailable:
            return None

    async def _keep_contact_email(self, session, conversation: Conversation, message: Message) -> None:
        """Outside support hours a shopper may leave an email address for the agents to write to."""
        found = _EMAIL.search(message.text)
        if (found is None or conversation.state != ConversationState.QUEUED
                or handover.outside_hours(conversation, self.support(), self.clock.now()) is None):
            return
        conversation.contact_email = found.group(0)
        session.add(conversation)
        await session.commit()
        await self.outbox.say(session, conversation, [BotMessage(key=NOTICE_CONTACT_SAVED,
                                                          variables={"email": found.group(0)})],
                       reply_to=message, sender=Sender.SYSTEM)

    async def rate(self, conversation_id: str, score: int, comment: str | None) -> Conversation:
        async with self.database.session() as session:
            conversation = await store.get_conversation(session, conversation_id)
            if conversation.resolved_at is None:
                raise NeverResolved("there is nothing to rate yet: an agent has not helped in "
                                    "this conversation")
            conversation.rating, conversation.rating_comment = score, comment
            session.add(conversation)
            await session.commit()
        self.events.publish(AGENTS, {"type": "queue", "conversation_id": conversation_id})
        return conversation

    async def _follow_language(self, session, conversation: Conversation, text: str) -> None:
        """The conversation's language follows the shopper (a button's payload says nothing)."""
        if text.startswith("/"):
            return
        established = await store.has_shopper_messages(session, conversation.id)
        detected = self.detector.detect(
            text, current=conversation.lang if established else None,
            hint=self._language_of(conversation.locale) if conversation.locale else None)
        if detected.lang != conversation.lang:
            log.info("conversation %s: language %s -> %s (%s)", conversation.id,
                     conversation.lang, detected.lang, detected.reason)
            conversation.lang = detected.lang

    async def _for_the_bot(self, conversation: Conversation, text: str):
        """The English the bot reads, for a language it has no native NLU data in."""
        if conversation.lang in self.settings.native_languages or text.startswith("/"):
            return None
        return await self.translator.translate(text, conversation.lang, "en")

    async def answer_all_pending(self) -> None:
        """After a bot outage: answer, in order, what shoppers wrote while it was away."""
        if not self._maybe_waiting:
            return
        self._maybe_waiting = False
        async with self.database.session() as session:
            waiting = await store.conversations_with_pending(session)
        for conversation_id in waiting:
            async with self._turns[conversation_id]:
                await self._answer_pending(conversation_id)

    async def _answer_pending(self, conversation_id: str) -> None:
        async with self.database.session() as session:
            conversation = await store.get_conversation(session, conversation_id)
            pending = await store.pending_messages(session, conversation_id)
            for message in pending:
                if conversation.state != ConversationState.BOT:
                    message.delivery = Delivery.HELD  # handed to a person mid-way: the bot stops
                    session.add(message)
                    continue
                read = message.translated_text if message.translated_lang == "en" else message.text
                try:
                    answer = await self.bot.send(conversation_id, read, self._metadata(conversation))
                except BotUnavailable as error:
                    log.warning("bot unavailable for conversation %s: %s", conversation_id, error)
                    self._maybe_waiting = True
                    # The notice answers the newest message: the one the shopper is looking at.
                    await self._notify_unavailable(session, conversation, pending[-1])
                    return
                await self._store_answer(session, conversation, message, answer)
            await session.commit()

    def _metadata(self, conversation: Conversation) -> dict[str, Any]:
        return {"lang": conversation.lang, "shop": conversation.shop,
                "conversation_id": conversation.id}

    async def _notify_unavailable(self, session, conversation: Conversation, message: Message) -> None:
        # Said once per message: a retry of the same message does not repeat the notice.
        if await store.has_notice(session, message.id, NOTICE_BOT_UNAVAILABLE):
            return
        await self.outbox.say(session, conversation, [BotMessage(key=NOTICE_BOT_UNAVAILABLE)],
                       reply_to=message, sender=Sender.SYSTEM)

    async def _store_answer(self, session, conversation: Conversation, message: Message,
                            answer: list[BotMessage]) -> None:
        message.delivery = Delivery.ANSWERED
        session.add(message)
        escalation = next((said.escalate for said in answer if said.escalate is not None), None)
        escalated = escalation is not None and await handover.escalate(
            session, conversation, escalation, support=self.support(), now=self.clock.now())
        await self.outbox.say(session, conversation, [s for s in answer if s.key or s.text],
                       reply_to=message)
        away = escalated and handover.outside_hours(conversation, self.support(), self.clock.now())
        if away and away.next_open:
            opens = f"{away.next_open.isoformat()} {away.next_open.tzinfo}"
            await self.outbox.say(session, conversation, [BotMessage(key=NOTICE_AGENTS_AWAY,
                                                              variables={"opens": opens})],
                           reply_to=message, sender=Sender.SYSTEM)
        if escalated:
            self.outbox.publish_state(conversation)
