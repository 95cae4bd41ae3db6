"""What the shopper and the agents are told: texts from locales/ stored in the shopper's language
and published live, to the shopper's sockets and, while people have the conversation, to agents'."""

from __future__ import annotations

from helpdesk import conversations as store
from helpdesk.bot import BotMessage
from helpdesk.events import AGENTS, EventHub
from helpdesk.locales import Locales
from helpdesk.models import Conversation, ConversationState, Message, MessagePublic, Sender
from helpdesk.replies import Reply, ReplyRenderer
from helpdesk.translation import Translator

NOTICE_NO_TRANSLATION = "notice_no_translation"


class Outbox:
    def __init__(self, locales: Locales, translator: Translator, events: EventHub) -> None:
        self.replies = ReplyRenderer(locales, translator)
        self.events = events

    async def say(self, session, conversation: Conversation, said: list[BotMessage], *,
                  reply_to: Message | None = None, sender: Sender = Sender.BOT,
                  author: str | None = None) -> list[Message]:
        """Store and publish texts from locales/ in the conversation's language."""
        replies = [await self.replies.render(one, conversation.lang) for one in said]
        if any(reply.untranslated for reply in replies) and not await store.has_notice_in(
                session, conversation.id, NOTICE_NO_TRANSLATION):
            replies.append(await self.replies.render(BotMessage(key=NOTICE_NO_TRANSLATION), "en"))
            sender_of_last = Sender.SYSTEM
        else:
            sender_of_last = sender
        stored = [self._message(conversation, reply_to, reply,
                                sender_of_last if index == len(replies) - 1 else sender, author)
                  for index, reply in enumerate(replies)]
        session.add_all(stored)
        await session.commit()
        for reply in stored:
            self.publish(reply, conversation)
        return stored

    def _message(self, conversation: Conversation, message: Message | None, reply: Reply,
                 sender: Sender, author: str | None) -> Message:
        return Message(conversation_id=conversation.id, sender=sender, text=reply.text,
                       lang=reply.lang, reply_to=message.id if message else None,
                       buttons=reply.buttons, template_key=reply.key, template_vars=reply.variables,
                       translated_text=reply.original_text, author=author,
                       translated_lang="en" if reply.original_text else None)

    def publish(self, message: Message, conversation: Conversation) -> None:
        """To the shopper's sockets, and to the agents' while people have the conversation."""
        if not message.internal:
            self.events.publish(message.conversation_id,
                                {"type": "message", "message": MessagePublic.of(message).json_dict()})
        if conversation.state != ConversationState.BOT:
            self.events.publish(AGENTS, {"type": "message", "conversation_id": conversation.id,
                                         "message_id": message.id})

    def publish_state(self, conversation: Conversation, agent_name: str | None = None) -> None:
        self.events.publish(conversation.id, {"type": "state", "state": conversation.state,
                                              "agent": agent_name,
                                              "version": conversation.state_version})
        self.events.publish(AGENTS, {"type": "queue", "conversation_id": conversation.id})
