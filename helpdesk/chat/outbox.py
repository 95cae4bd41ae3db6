"""What the shopper and the agents are told: texts from locales/ stored in the shopper's language
and published live, to the shopper's sockets and, while people have the conversation, to agents'.

Saying something is two steps: `prepare` renders (and may machine-translate, which is slow) with
no database connection held; `store` writes and publishes, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from helpdesk.chat import conversations as store
from helpdesk.chat.models import (
    Conversation,
    ConversationState,
    Message,
    MessagePublic,
    Sender,
)
from helpdesk.chat.replies import Reply, ReplyRenderer
from helpdesk.languages.locales import Locales
from helpdesk.languages.translation import Translator
from helpdesk.live.events import AGENTS, EventHub
from helpdesk.rasa.client import BotMessage

NOTICE_NO_TRANSLATION = "notice_no_translation"


class Outbox:
    def __init__(
        self,
        locales: Locales,
        translator: Translator,
        events: EventHub,
        *,
        count_message: Callable[[Message], None] = lambda _message: None,
    ) -> None:
        self.replies = ReplyRenderer(locales, translator)
        self.events = events
        self.count_message = count_message  # every stored message passes publish() once

    async def prepare(self, said: list[BotMessage], lang: str) -> list[Reply]:
        """The texts in `lang`; call it with no transaction open (it may translate)."""
        return [await self.replies.render(one, lang) for one in said]

    async def store(
        self,
        session,
        conversation: Conversation,
        replies: list[Reply],
        *,
        now: datetime,
        reply_to: Message | None = None,
        sender: Sender = Sender.BOT,
        author: str | None = None,
    ) -> list[Message]:
        """Store prepared texts in the conversation, commit, and publish them."""
        replies = list(replies)
        last_sender = sender
        if any(reply.untranslated for reply in replies) and not await store.has_notice_in(
            session, conversation.id, NOTICE_NO_TRANSLATION
        ):
            # English needs no translation: rendering it here holds the transaction no longer.
            replies.append(await self.replies.render(BotMessage(key=NOTICE_NO_TRANSLATION), "en"))
            last_sender = Sender.SYSTEM
        stored = [
            self._message(
                conversation,
                reply_to,
                reply,
                last_sender if index == len(replies) - 1 else sender,
                author,
                now,
            )
            for index, reply in enumerate(replies)
        ]
        session.add_all(stored)
        await session.commit()
        for message in stored:
            self.publish(message, conversation)
        return stored

    def _message(
        self,
        conversation: Conversation,
        message: Message | None,
        reply: Reply,
        sender: Sender,
        author: str | None,
        now: datetime,
    ) -> Message:
        return Message(
            conversation_id=conversation.id,
            sender=sender,
            text=reply.text,
            lang=reply.lang,
            reply_to=message.id if message else None,
            buttons=reply.buttons,
            template_key=reply.key,
            template_vars=reply.variables,
            translated_text=reply.original_text,
            author=author,
            created_at=now,
            translated_lang="en" if reply.original_text else None,
        )

    def publish(self, message: Message, conversation: Conversation) -> None:
        """To the shopper's sockets, and to the agents' while people have the conversation."""
        self.count_message(message)
        if not message.internal:
            self.events.publish(
                message.conversation_id,
                {"type": "message", "message": MessagePublic.of(message).json_dict()},
            )
        if conversation.state != ConversationState.BOT:
            self.events.publish(
                AGENTS,
                {"type": "message", "conversation_id": conversation.id, "message_id": message.id},
            )

    def publish_state(self, conversation: Conversation, agent_name: str | None = None) -> None:
        self.events.publish(
            conversation.id,
            {
                "type": "state",
                "state": conversation.state,
                "agent": agent_name,
                "state_version": conversation.state_version,
            },
        )
        self.publish_queue_change(conversation.id)

    def publish_typing(self, conversation_id: str, author: str) -> None:
        """A person is writing: the shopper's widget says so for a few seconds."""
        self.events.publish(conversation_id, {"type": "typing", "from": "agent", "author": author})

    def publish_queue_change(self, conversation_id: str) -> None:
        """The agents' workspaces show the conversation anew (its state, rating, waiting time)."""
        self.events.publish(AGENTS, {"type": "queue", "conversation_id": conversation_id})
