"""The conversation's transcript by email, on the shopper's request: written in the conversation's
language (who said what, and when), queued at once to the verified or left email or to an address
the shopper gives, at most LIMIT a day per conversation and per address, and shown in the
conversation as a notice (the same outbox as the chat's), in the transaction that queues it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat import conversations as store
from helpdesk.chat.models import Conversation, Message, Sender
from helpdesk.chat.outbox import Outbox
from helpdesk.chat.replies import Reply
from helpdesk.clock import aware
from helpdesk.errors import BadRequest, ConversationNotFound, HelpdeskError, TooManyRequests
from helpdesk.followups.csat import shopper_email
from helpdesk.followups.pacing import lock_shopper
from helpdesk.jobs.models import DueJob
from helpdesk.languages.locales import Locales
from helpdesk.mail import records
from helpdesk.mail.addresses import masked, normalise
from helpdesk.mail.service import MAIL_JOB, MailRequest, enqueue_mail
from helpdesk.policies import engagement
from helpdesk.policies.engagement_schema import EngagementPolicy
from helpdesk.rasa.client import BotMessage

TRANSCRIPT = "transcript"
NOTICE = "notice_transcript_sent"
LIMIT = 3  # a day, per conversation and per address: enough for a shopper, little for a spammer
DAY = timedelta(days=1)
MAX_MESSAGES = 500  # the latest; an email of more is no help to anyone


class TranscriptOff(HelpdeskError):
    status = 409
    code = "transcript_off"


class NoEmail(BadRequest):
    code = "email_needed"


class Unsubscribed(HelpdeskError):
    status = 409
    code = "email_unsubscribed"


def _key(conversation_id: str) -> str:
    return f"mail:{TRANSCRIPT}:{conversation_id}:"


def written(messages: list[Message], locales: Locales, lang: str, zone: ZoneInfo) -> str:
    """The transcript as plain text, one paragraph per message: '18 Nov 2026, 10:31 - You:'."""
    names = {
        Sender.SHOPPER: locales.render("transcript_from_shopper", lang).text,
        Sender.BOT: locales.render("transcript_from_shop", lang).text,
        Sender.SYSTEM: locales.render("transcript_from_shop", lang).text,
    }
    shown = [m for m in messages if not m.internal and m.template_key != NOTICE]
    paragraphs = ["…"] if len(shown) > MAX_MESSAGES else []
    for message in shown[-MAX_MESSAGES:]:
        when = format_datetime(aware(message.created_at), "medium", tzinfo=zone, locale=lang)
        who = names.get(Sender(message.sender), names[Sender.BOT])
        if message.sender == Sender.AGENT:
            shop = names[Sender.BOT]
            who = f"{message.author} ({shop})" if message.author else shop
        paragraphs.append(f"{when} - {who}:\n{message.text.strip()}")
    return "\n\n".join(paragraphs)


async def _today(session: AsyncSession, conversation_id: str, to: str, now: datetime) -> float:
    """0 when one more transcript may go today, else the seconds until one may."""
    query = select(DueJob.dedupe_key, DueJob.payload, DueJob.created_at).where(
        col(DueJob.kind) == MAIL_JOB,
        col(DueJob.dedupe_key).startswith(f"mail:{TRANSCRIPT}:"),
        col(DueJob.created_at) >= now - DAY,
    )
    rows = (await session.exec(query)).all()
    for counted in (
        [at for key, _, at in rows if key.startswith(_key(conversation_id))],
        [at for _, payload, at in rows if isinstance(payload, dict) and payload.get("to") == to],
    ):
        if len(counted) >= LIMIT:
            return (min(aware(at) for at in counted) + DAY - now).total_seconds()
    return 0.0


@dataclass(frozen=True)
class Recipient:
    address: str  # where the transcript goes
    shown: str  # what the shopper and the agents are told: the address, or masked


async def recipient(session: AsyncSession, conversation_id: str, email: str | None) -> Recipient:
    """The address given (checked), else the one the shop knows for the conversation's shopper.
    Only an address given is shown in full: the one the shop knows may be an order's, proved
    with its number and postal code by someone who must not learn whose it is."""
    if email is not None:
        given = normalise(email)
        return Recipient(given, given)
    conversation = await store.get_conversation(session, conversation_id)
    found = await shopper_email(session, conversation)
    if found is None:
        raise NoEmail('no email is known for this conversation: give one, as {"email": "..."}')
    known = normalise(found)
    return Recipient(known, masked(known))


async def send(
    session: AsyncSession,
    outbox: Outbox,
    locales: Locales,
    policy: EngagementPolicy,
    conversation_id: str,
    *,
    to: str,
    notice: list[Reply],
    now: datetime,
) -> Message:
    """Queue the transcript to `to` (normalised) and store `notice` (prepared by
    `outbox.prepare`, with no transaction open), committing both; the notice as stored."""
    if not engagement.is_on(policy, TRANSCRIPT, "email"):
        raise TranscriptOff("this shop does not send transcripts by email")
    # One request at a time per conversation (on SQLite: at all), so that the counts below hold.
    locked = select(Conversation).where(col(Conversation.id) == conversation_id).with_for_update()
    conversation = (await session.exec(locked)).first()
    if conversation is None:
        raise ConversationNotFound(f"no conversation {conversation_id}")
    if await records.is_suppressed(session, to):
        raise Unsubscribed("this address asked for no more emails from the shop")
    await lock_shopper(session, to)  # PostgreSQL: one request per address at a time
    if wait := await _today(session, conversation.id, to, now):
        raise TooManyRequests(f"at most {LIMIT} transcripts a day to one address or chat", wait)
    messages = await store.transcript(session, conversation.id)
    zone = ZoneInfo(policy.default_timezone)
    request = MailRequest(
        to=to,
        kind=TRANSCRIPT,
        lang=conversation.lang,
        variables={TRANSCRIPT: written(messages, locales, conversation.lang, zone)},
        conversation_id=conversation.id,
    )
    key = f"{_key(conversation.id)}{uuid.uuid4().hex}"
    await enqueue_mail(session, request, due_at=now, dedupe_key=key, now=now)
    stored = await outbox.store(session, conversation, notice, now=now, sender=Sender.SYSTEM)
    return stored[0]


async def notice_for(outbox: Outbox, to: Recipient, lang: str) -> list[Reply]:
    """The notice `send` stores, naming the address as shown; render it with no transaction
    open (it may translate)."""
    return await outbox.prepare([BotMessage(key=NOTICE, variables={"email": to.shown})], lang)
