"""A shopper's turn: store the message first, then the bot answers (unless a person has it)."""

from __future__ import annotations

import logging
import re

from helpdesk.chat import conversations as store
from helpdesk.chat import handover
from helpdesk.chat.models import (
    Conversation,
    ConversationState,
    Message,
    Sender,
    SignedIdentity,
)
from helpdesk.chat.outbox import Outbox
from helpdesk.chat.payloads import PAYLOAD_PREFIX, ShopperPayloads
from helpdesk.chat.relay import BotRelay, TurnLocks
from helpdesk.clock import Clock
from helpdesk.columns import stored_id
from helpdesk.database import Database
from helpdesk.errors import BadRequest, HelpdeskError
from helpdesk.insights import events
from helpdesk.languages.detection import LanguageDetector
from helpdesk.languages.tags import base_language
from helpdesk.languages.translation import Translator
from helpdesk.orders.verification import identity_problem, verify_identity
from helpdesk.policies.store import PolicyStore
from helpdesk.rasa.client import Bot, BotMessage
from helpdesk.settings import Settings

log = logging.getLogger(__name__)
NOTICE_CONTACT_SAVED = "notice_contact_saved"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class NeverResolved(HelpdeskError):
    status = 409
    code = "not_resolved"


class AlreadyRated(HelpdeskError):
    status = 409
    code = "already_rated"


class Chat:
    """The chat path of DESIGN.md: every message is stored before anything else happens."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        bot: Bot,
        *,
        outbox: Outbox,
        detector: LanguageDetector,
        translator: Translator,
        policies: PolicyStore,
        clock: Clock,
        payloads: ShopperPayloads,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.policies = policies
        self.detector = detector
        self.outbox = outbox
        self.database = database
        self.turns = TurnLocks()
        self.relay = BotRelay(
            database=database,
            bot=bot,
            outbox=self.outbox,
            translator=translator,
            payloads=payloads,
            clock=clock,
            turns=self.turns,
            support=policies.support,
            native_languages=settings.native_languages,
            concurrency=settings.bot_concurrency,
            timeout=settings.bot_timeout_seconds,
        )

    async def open(
        self, locale: str | None, identity: SignedIdentity | None = None
    ) -> tuple[Conversation, str, str | None]:
        """A new conversation, its token, and why the shop's signed identity did not check out
        (None when it did, or when there was none)."""
        now = self.clock.now()
        problem = (
            identity_problem(
                identity.email,
                identity.signature,
                identity.expires,
                secret=self.settings.identity_secret,
                now=now,
            )
            if identity is not None
            else None
        )
        async with self.database.session() as session:
            conversation, token = await store.create_conversation(
                session,
                shop=self.settings.shop,
                locale=locale,
                lang=self._language_of(locale),
                now=now,
            )
            if identity is not None:
                await verify_identity(
                    session,
                    conversation.id,
                    email=identity.email,
                    signature=identity.signature,
                    expires=identity.expires,
                    secret=self.settings.identity_secret,
                    now=now,
                )
        if problem:
            log.warning(
                "conversation %s: the shop's signed identity was not accepted: %s",
                conversation.id,
                problem,
            )
        return conversation, token, problem

    async def choose_language(self, conversation_id: str, locale: str) -> Conversation:
        """The shopper picked a language in the widget: answers come in it from now on."""
        code = base_language(locale)
        if code not in self.settings.languages:
            raise BadRequest(
                f"this shop chats in {', '.join(self.settings.languages)}; "
                f"{locale!r} is not one of them"
            )
        async with self.turns.hold(conversation_id):
            async with self.database.session() as session:
                conversation = await store.get_conversation(session, conversation_id)
                conversation.locale, conversation.lang = locale, code
                session.add(conversation)
                await session.commit()
        return conversation

    def _language_of(self, locale: str | None) -> str:
        code = base_language(locale)
        return code if code in self.settings.languages else "en"

    async def authenticate(self, conversation_id: str, token: str | None) -> Conversation:
        async with self.database.session() as session:
            return await store.authenticate(session, conversation_id, token)

    async def transcript(self, conversation_id: str, *, after: int = 0) -> list[Message]:
        async with self.database.session() as session:
            return await store.transcript(session, conversation_id, after=after)

    async def receive(
        self, conversation_id: str, text: str, client_id: str, *, address: str | None = None
    ) -> tuple[list[Message], Conversation]:
        """Store the shopper's message, let the bot answer; (the replies to it, the conversation
        as it is now)."""
        async with self.turns.hold(conversation_id):
            async with self.database.session() as session:
                conversation = await store.get_conversation(session, conversation_id)
                reopened = handover.reopen(conversation, self.clock.now())
                conversation.client_address = address
                await self._follow_language(session, conversation, text)
                await events.reopened_if_resolved(session, conversation, at=self.clock.now())
                message, is_new = await store.store_shopper_message(
                    session, conversation, text=text, client_id=client_id, now=self.clock.now()
                )
            if is_new:
                self.outbox.publish(message, conversation)
                await self._keep_contact_email(conversation, message)
            if reopened:
                self.outbox.publish_state(conversation)
            if conversation.state == ConversationState.BOT:
                await self.relay.answer(conversation_id)
            async with self.database.session() as session:
                conversation = await store.get_conversation(session, conversation_id)
                return await store.replies_to(session, stored_id(message)), conversation

    async def answer_all_pending(self) -> None:
        """After a bot outage: answer, in order, what shoppers wrote while it was away."""
        await self.relay.answer_all_pending()

    async def _keep_contact_email(self, conversation: Conversation, message: Message) -> None:
        """Outside support hours a shopper may leave an email address for the agents to write to."""
        found = _EMAIL.search(message.text)
        now = self.clock.now()
        if (
            found is None
            or conversation.state != ConversationState.QUEUED
            or handover.outside_hours(conversation, self.policies.support(), now) is None
        ):
            return
        saved = await self.outbox.prepare(
            [BotMessage(key=NOTICE_CONTACT_SAVED, variables={"email": found.group(0)})],
            conversation.lang,
        )
        async with self.database.session() as session:
            conversation = await store.get_conversation(session, conversation.id)
            conversation.contact_email = found.group(0)
            session.add(conversation)
            await self.outbox.store(
                session, conversation, saved, now=now, reply_to=message, sender=Sender.SYSTEM
            )

    async def rate(
        self, conversation_id: str, score: int, comment: str | None, *, once: bool = False
    ) -> Conversation:
        """Keep the shopper's rating (the widget may change it); `once`: only a first rating,
        as a link by email gives (two submissions at once: the second is AlreadyRated)."""
        async with self.database.session() as session:
            conversation = await store.get_conversation(session, conversation_id)
            if conversation.resolved_at is None:
                raise NeverResolved(
                    "there is nothing to rate yet: this conversation has not been resolved"
                )
            if once and not await store.rate_if_unrated(session, conversation_id, score, comment):
                raise AlreadyRated("this conversation was rated already; thank you")
            conversation.rating, conversation.rating_comment = score, comment
            session.add(conversation)
            await events.rated(session, conversation, score, comment, at=self.clock.now())
            await session.commit()
        self.outbox.publish_queue_change(conversation_id)
        return conversation

    async def _follow_language(self, session, conversation: Conversation, text: str) -> None:
        """The conversation's language follows the shopper (a button's payload says nothing)."""
        if text.startswith(PAYLOAD_PREFIX):
            return
        established = await store.has_shopper_messages(session, conversation.id)
        detected = self.detector.detect(
            text,
            current=conversation.lang if established else None,
            hint=self._language_of(conversation.locale) if conversation.locale else None,
        )
        if detected.lang != conversation.lang:
            log.info(
                "conversation %s: language %s -> %s (%s)",
                conversation.id,
                conversation.lang,
                detected.lang,
                detected.reason,
            )
            conversation.lang = detected.lang
