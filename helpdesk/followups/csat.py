"""The CSAT question by email: a conversation resolved and left unrated, whose shopper the shop can
write to (a verified email, or one they left in the chat), queues once, ever, a follow-up due
csat_by_email.after_days (engagement.yml) after it was resolved; when it falls due and is still
unrated, its email carries a signed link to the rating page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import exists, func
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat.models import Conversation, ConversationState
from helpdesk.clock import Clock, aware
from helpdesk.database import Database
from helpdesk.followups.jobs import CSAT, FollowUp, dedupe_key, known_keys, queue_followup
from helpdesk.mail.service import MailRequest
from helpdesk.orders.models import VerificationAttempt
from helpdesk.orders.verification import identified_customer
from helpdesk.policies import engagement
from helpdesk.policies.engagement_schema import EngagementPolicy
from helpdesk.policies.store import PolicyStore

# Resolved longer ago than this is old news: the question is not asked (a first run over an old
# database must not mail every shopper of last year).
LOOK_BACK = timedelta(days=7)
RateUrl = Callable[[str, str], str]  # (conversation id, language) -> the signed link


def _proven(conversation_id) -> list:
    """A proof of this conversation that names an email: a signed identity or an order proven."""
    return [
        col(VerificationAttempt.conversation_id) == conversation_id,
        col(VerificationAttempt.succeeded).is_(True),
        func.length(func.coalesce(VerificationAttempt.email, "")) > 0,
    ]


async def shopper_email(session: AsyncSession, conversation: Conversation) -> str | None:
    """Where the shop may write to this conversation's shopper: the logged-in customer the shop
    vouched for, else the email of an order they proved, else the one they left in the chat."""
    found = await identified_customer(session, conversation.id)
    if found is None:
        query = select(VerificationAttempt.email).where(*_proven(conversation.id))
        found = (await session.exec(query.order_by(col(VerificationAttempt.at).desc()))).first()
    return found or conversation.contact_email or None


async def sweep(session: AsyncSession, policy: EngagementPolicy, *, now: datetime) -> int:
    """Queue the question for the conversations resolved lately, unrated, with an email known;
    once per conversation; commit. How many were queued now."""
    if not engagement.is_on(policy, CSAT, "email"):
        return 0
    with_email = or_(
        col(Conversation.contact_email).is_not(None),
        exists().where(*_proven(Conversation.id)),
    )
    query = select(Conversation.id, Conversation.resolved_at).where(
        col(Conversation.state) == ConversationState.RESOLVED,
        col(Conversation.rating).is_(None),
        col(Conversation.resolved_at) >= now - LOOK_BACK,
        with_email,
    )
    found = [(cid, aware(at)) for cid, at in (await session.exec(query)).all() if at is not None]
    keys = [dedupe_key(CSAT, cid) for cid, _ in found]
    seen = await known_keys(session, keys)
    queued = 0
    for (conversation_id, resolved_at), key in zip(found, keys, strict=True):
        if key in seen:
            continue
        due = engagement.due_at(policy, CSAT, moment=resolved_at, country="") or now
        followup = FollowUp(message=CSAT, conversation_id=conversation_id)
        queued += await queue_followup(session, followup, key=key, due_at=due, now=now)
    await session.commit()
    return queued


async def sweep_once(database: Database, policies: PolicyStore, clock: Clock) -> int:
    async with database.session() as session:
        return await sweep(session, policies.policies.engagement, now=clock.now())


async def question(
    session: AsyncSession, followup: FollowUp, rate_url: RateUrl
) -> MailRequest | str:
    """The email to send now, or why none is sent (rated meanwhile, reopened, no email)."""
    conversation = await session.get(Conversation, followup.conversation_id or "")
    if conversation is None:
        return "done without sending: the conversation is gone"
    if conversation.rating is not None:
        return "done without sending: the conversation was rated"
    if conversation.state != ConversationState.RESOLVED or conversation.resolved_at is None:
        return f"done without sending: the conversation is {conversation.state} now"
    email = await shopper_email(session, conversation)
    if email is None:
        return "done without sending: no email known for the shopper"
    return MailRequest(
        to=email,
        kind=CSAT,
        lang=conversation.lang,
        variables={
            "resolved_on": aware(conversation.resolved_at).date().isoformat(),
            "rate_url": rate_url(conversation.id, conversation.lang),
        },
        conversation_id=conversation.id,
    )
