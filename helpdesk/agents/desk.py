"""An agent's work, as the workspace asks for it: log in, the queue, claim, read, reply (translated
into the shopper's language), transfer, resolve. The shopper hears of each step in their language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpdesk.agents import accounts as agents
from helpdesk.agents import queue
from helpdesk.agents.answers import (
    AgentConversation,
    CannedReplies,
    CannedReply,
    Colleague,
    Directory,
    Preview,
    Queue,
    SentReply,
)
from helpdesk.agents.models import Agent, AgentSession, TransferRequest
from helpdesk.agents.views import AgentViews
from helpdesk.chat import conversations as store
from helpdesk.chat.models import RATING_PROMPT, Conversation, Message, Sender
from helpdesk.chat.outbox import Outbox
from helpdesk.chat.replies import Reply
from helpdesk.clock import Clock
from helpdesk.columns import stored_id
from helpdesk.database import Database
from helpdesk.insights import events
from helpdesk.languages.detection import LanguageDetector
from helpdesk.languages.locales import Locales
from helpdesk.languages.translation import Translation, Translator
from helpdesk.policies.store import PolicyStore
from helpdesk.rasa.client import BotMessage

NOTICE_AGENT_JOINED = "notice_agent_joined"
NOTICE_AGENT_LEFT = "notice_agent_left"
NOTICE_TRANSFERRED = "notice_transferred"
NOTE_TRANSFERRED = "note_transferred"


class AgentDesk:
    def __init__(
        self,
        *,
        database: Database,
        outbox: Outbox,
        detector: LanguageDetector,
        translator: Translator,
        locales: Locales,
        policies: PolicyStore,
        clock: Clock,
        count_claim: Callable[[bool], None] = lambda _won: None,
    ) -> None:
        self.database, self.outbox, self.clock = database, outbox, clock
        self.detector, self.translator, self.locales = detector, translator, locales
        self.policies = policies
        self.count_claim = count_claim  # told whether each claim won or lost to another agent
        self.views = AgentViews(translator, locales)

    # --- sessions -------------------------------------------------------------------------

    async def log_in(self, email: str, password: str, address: str) -> tuple[Agent, str, str]:
        async with self.database.session() as session:
            return await agents.log_in(
                session, email=email, password=password, address=address, now=self.clock.now()
            )

    async def log_out(self, token: str) -> None:
        async with self.database.session() as session:
            await agents.log_out(session, token)

    async def agent_for(self, token: str | None) -> tuple[Agent, AgentSession]:
        async with self.database.session() as session:
            return await agents.session_agent(session, token, now=self.clock.now())

    # --- reading --------------------------------------------------------------------------

    async def queue(self, agent: Agent) -> Queue:
        now, support = self.clock.now(), self.policies.support()
        async with self.database.session() as session:
            waiting, mine = await queue.queue_for(session, agent)
            items = await self.views.items(
                session, [*waiting, *mine], agent, support=support, now=now
            )
        return Queue(
            queued=items[: len(waiting)],
            mine=items[len(waiting) :],
            at_capacity=len(mine) >= agent.capacity,
        )

    async def conversation(self, agent: Agent, conversation_id: str) -> AgentConversation:
        async with self.database.session() as session:
            conversation = await store.get_conversation(session, conversation_id)
            queue.refuse_unless_readable(conversation, agent)
            return await self._view(session, conversation, agent)

    async def _view(self, session, conversation: Conversation, agent: Agent) -> AgentConversation:
        messages = await store.transcript(session, conversation.id, include_internal=True)
        return await self.views.conversation(
            session,
            conversation,
            agent,
            messages,
            support=self.policies.support(),
            now=self.clock.now(),
        )

    async def canned(self, agent: Agent) -> CannedReplies:
        locales = self.locales
        keys = [key for key in locales.texts["en"] if key.startswith("canned_")]
        return CannedReplies(
            replies=[
                CannedReply(key=key, text=locales.render(key, agent.language).text) for key in keys
            ]
        )

    async def directory(self) -> Directory:
        support = self.policies.support()
        async with self.database.session() as session:
            everyone = await agents.list_agents(session)
        return Directory(
            teams=list(support.teams) if support else [],
            agents=[
                Colleague(id=a.id, name=a.name, team=a.team, languages=a.language_list)
                for a in everyone
                if a.active and a.id is not None
            ],
        )

    # --- acting ---------------------------------------------------------------------------

    async def claim(self, agent: Agent, conversation_id: str) -> AgentConversation:
        try:
            return await self._claim(agent, conversation_id)
        except queue.AlreadyClaimed:
            self.count_claim(False)
            raise

    async def _claim(self, agent: Agent, conversation_id: str) -> AgentConversation:
        async with self.database.session() as session:  # reads only: a lost claim ends here
            conversation, _holder = await queue.with_holder(session, conversation_id)
            await queue.refuse_unless_claimable(session, conversation, agent)
        joined = await self.outbox.prepare(
            [BotMessage(key=NOTICE_AGENT_JOINED, variables={"name": agent.name})], conversation.lang
        )
        async with self.database.session() as session:
            now = self.clock.now()
            conversation = await queue.claim(session, conversation_id, agent, now=now)
            # One transaction: the claim, its event and the notice (store commits).
            await self.outbox.store(session, conversation, joined, now=now, sender=Sender.SYSTEM)
            self.count_claim(True)
            self.outbox.publish_state(conversation, agent.name)
            return await self._view(session, conversation, agent)

    async def preview(self, agent: Agent, conversation_id: str, text: str) -> Preview:
        conversation = await self._readable(agent, conversation_id)
        outgoing = await self._outgoing(agent, conversation, text)
        return Preview(
            text=outgoing.text,
            lang=outgoing.target if outgoing.available else outgoing.source,
            translated=outgoing.available and outgoing.source != outgoing.target,
        )

    async def _readable(self, agent: Agent, conversation_id: str) -> Conversation:
        """The conversation, if the agent may read it (the queue's rule); read in a short session."""
        async with self.database.session() as session:
            conversation = await store.get_conversation(session, conversation_id)
        queue.refuse_unless_readable(conversation, agent)
        return conversation

    async def reply(
        self, agent: Agent, conversation_id: str, text: str, internal: bool
    ) -> SentReply:
        async with self.database.session() as session:
            conversation = await queue.held_by(session, conversation_id, agent)
        # Translated with no database connection held; the hold is checked again to store it.
        outgoing = None if internal else await self._outgoing(agent, conversation, text)
        now = self.clock.now()
        message = Message(
            conversation_id=conversation.id,
            sender=Sender.AGENT,
            text=text,
            lang=agent.language,
            author=agent.name,
            agent_id=agent.id,
            internal=internal,
            created_at=now,
        )
        if outgoing is not None and outgoing.available and outgoing.source != outgoing.target:
            message.text, message.lang = outgoing.text, outgoing.target
            message.translated_text, message.translated_lang = text, outgoing.source
        elif outgoing is not None:
            message.lang = outgoing.source
        async with self.database.session() as session:
            conversation = await queue.held_by(session, conversation_id, agent)
            conversation.updated_at = now
            session.add_all([message, conversation])
            if not internal:
                await events.agent_replied(session, conversation, stored_id(agent), at=now)
            await session.commit()
        self.outbox.publish(message, conversation)
        return SentReply(
            message=await self.views.message(message, agent),
            translated=message.translated_text is not None,
            notice=_no_translation(outgoing),
        )

    async def typing(self, agent: Agent, conversation_id: str) -> None:
        """Tell the shopper a person is writing (the workspace says so every few seconds)."""
        async with self.database.session() as session:
            conversation = await queue.held_by(session, conversation_id, agent)
        self.outbox.publish_typing(conversation.id, agent.name)

    async def _outgoing(self, agent: Agent, conversation: Conversation, text: str) -> Translation:
        """The agent's words in the shopper's language. The agent may write in any language
        they speak: a reply already in the shopper's language goes as written."""
        detected = self.detector.detect(text, current=None, hint=agent.language).lang
        source = detected if detected in agent.language_list else agent.language
        if detected == conversation.lang:
            source = detected
        return await self.translator.translate(text, source, conversation.lang)

    async def transfer(
        self, agent: Agent, conversation_id: str, request: TransferRequest
    ) -> AgentConversation:
        async with self.database.session() as session:
            conversation = await queue.held_by(session, conversation_id, agent)
        team, colleague_id = request.team, request.agent_id  # exactly one of them is given
        told = await self.outbox.prepare(
            [BotMessage(key=NOTICE_TRANSFERRED)] if team is not None else [], conversation.lang
        )
        now = self.clock.now()
        async with self.database.session() as session:
            conversation = await queue.held_by(session, conversation_id, agent)
            if team is not None:
                conversation = await queue.transfer_to_team(
                    session, conversation, team, support=self.policies.support(), now=now
                )
                target, new_agent = f"team {team}", None
            else:
                assert colleague_id is not None, "TransferRequest requires a team or an agent_id"
                conversation, colleague = await queue.transfer_to_agent(
                    session, conversation, colleague_id, now=now
                )
                target, new_agent = colleague.name, colleague.name
                told = await self._rendered_in_stored_language(
                    NOTICE_AGENT_JOINED, conversation.lang, name=colleague.name
                )
            await self.outbox.store(session, conversation, told, now=now, sender=Sender.SYSTEM)
            await self._note(
                session,
                conversation,
                NOTE_TRANSFERRED,
                now=now,
                by=agent.name,
                to=target,
                note=request.note or "",
            )
            self.outbox.publish_state(conversation, new_agent)
            return await self._view(session, conversation, agent)

    async def _rendered_in_stored_language(self, key: str, lang: str, **variables) -> list:
        """A notice whose variable (a colleague's name) is known only inside the transaction: the
        shop's own locales/ text, machine translation being too slow to wait for there."""
        rendered = self.locales.render(key, lang, variables)
        return [Reply(rendered.text, rendered.lang, rendered.buttons, key, variables or None)]

    async def resolve(self, agent: Agent, conversation_id: str) -> AgentConversation:
        async with self.database.session() as session:
            conversation = await queue.held_by(session, conversation_id, agent)
        told = await self.outbox.prepare(
            [BotMessage(key=NOTICE_AGENT_LEFT, variables={"name": agent.name})], conversation.lang
        )
        prompt = await self.outbox.prepare([BotMessage(key=RATING_PROMPT)], conversation.lang)
        now = self.clock.now()
        async with self.database.session() as session:
            conversation = await queue.held_by(session, conversation_id, agent)
            conversation = await queue.resolve(session, conversation, now=now)
            await self.outbox.store(
                session, conversation, [*told, *prompt], now=now, sender=Sender.SYSTEM
            )
            self.outbox.publish_state(conversation)
            return await self._view(session, conversation, agent)

    async def _note(
        self, session, conversation: Conversation, key: str, *, now, **variables
    ) -> None:
        """A note for agents only, rendered in each agent's language when they read it."""
        text = self.locales.render(key, "en", variables).text
        note = Message(
            conversation_id=conversation.id,
            sender=Sender.SYSTEM,
            text=text,
            lang="en",
            template_key=key,
            template_vars=variables,
            internal=True,
            created_at=now,
        )
        session.add(note)
        await session.commit()
        self.outbox.publish(note, conversation)

    # --- live events ----------------------------------------------------------------------

    async def event_for(self, agent: Agent, event: dict[str, Any]) -> dict[str, Any] | None:
        """An event of the agents' channel as this agent's workspace should see it, or None."""
        async with self.database.session() as session:
            conversation = await store.get_conversation(session, event["conversation_id"])
            if event["type"] == "queue":
                if not queue.concerns(conversation, agent):
                    return None
                item = await self.views.item(
                    session,
                    conversation,
                    agent,
                    support=self.policies.support(),
                    now=self.clock.now(),
                )
                return {"type": "queue", "item": item.json_dict()}
            message = await session.get(Message, event["message_id"])
            if message is None or not queue.visible_to(conversation, agent):
                return None
            return {
                "type": "message",
                "conversation_id": conversation.id,
                "message": (await self.views.message(message, agent)).json_dict(),
            }


def _no_translation(outgoing: Translation | None) -> str | None:
    if outgoing is None or outgoing.available:
        return None
    return (
        f"no translation from {outgoing.source} to {outgoing.target} is installed; sent as written"
    )
