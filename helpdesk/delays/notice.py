"""The delay-notice job's handler: tells the shopper in their language that the parcel is late,
with the new estimate if known and what they can do, in the widget when it is open (a message
from the shop, logged in the conversation) or else by email, as engagement.yml allows."""

from __future__ import annotations

from pydantic import ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.chat.models import Conversation, Sender
from helpdesk.chat.outbox import Outbox
from helpdesk.clock import Clock
from helpdesk.delays.audience import language_for, shoppers_conversation, widget_open
from helpdesk.delays.jobs import DELAY_JOB, DelayNotice
from helpdesk.followups.pacing import address, queue_paced
from helpdesk.insights import events as log
from helpdesk.jobs.models import ClaimedJob
from helpdesk.jobs.runner import PermanentFailure
from helpdesk.live.events import EventHub
from helpdesk.mail.service import MailRequest
from helpdesk.orders.fulfillment_events import SETTLED
from helpdesk.orders.models import Order, Shipment
from helpdesk.policies import engagement
from helpdesk.policies.engagement_schema import EngagementPolicy
from helpdesk.policies.store import PolicyStore
from helpdesk.rasa.client import BotMessage

WIDGET_TEXT = "shop_delay_notice"  # its button hands the conversation to a person


def variables(notice: DelayNotice) -> dict[str, str | int | float]:
    """The values of the texts: why it is late and what is known of the new date, each a text
    of its own (the *_key variables of locales/), so every language words it whole."""
    values: dict[str, str | int | float] = {
        "order_number": notice.order_number,
        "reason_key": f"delay_reason_{notice.reason}",
        "estimate_key": "delay_estimate_known" if notice.new_estimate else "delay_estimate_unknown",
    }
    if notice.new_estimate is not None:
        values["new_estimate"] = notice.new_estimate.isoformat()
    if notice.passed_estimate is not None:
        values["passed_estimate"] = notice.passed_estimate.isoformat()
    return values


class DelayNotices:
    """Handler of "delay_notice" jobs."""

    def __init__(
        self,
        *,
        policies: PolicyStore,
        outbox: Outbox,
        events: EventHub,
        clock: Clock,
        languages: list[str],
    ) -> None:
        self.policies, self.outbox, self.events = policies, outbox, events
        self.clock, self.languages = clock, languages

    async def handle_job(self, job: ClaimedJob, session: AsyncSession) -> str:
        try:
            notice = DelayNotice.model_validate(job.payload)
        except ValidationError as error:
            raise PermanentFailure(f"not a delay notice: {error.errors()[:3]}") from error
        policy = self.policies.policies.engagement  # read at send time: the merchant may edit
        if not engagement.is_on(policy, DELAY_JOB):
            return "done without sending: delay notices are off in engagement.yml"
        order = (
            await session.exec(select(Order).where(col(Order.number) == notice.order_number))
        ).first()
        if order is None:
            raise PermanentFailure(f"there is no order {notice.order_number}")
        if await _arrived(session, order, notice):
            return "done without sending: the parcel arrived or the order is settled"
        conversation = await shoppers_conversation(session, order)
        lang = language_for(conversation, order.country, self.languages)
        if engagement.is_on(policy, DELAY_JOB, "widget") and await widget_open(
            self.events, conversation
        ):
            assert conversation is not None  # widget_open says so
            return await self._in_widget(session, job, conversation, notice, lang)
        if engagement.is_on(policy, DELAY_JOB, "email"):
            return await self._by_email(session, job, policy, order, conversation, notice, lang)
        return "done without sending: the widget is not open and email is off"

    async def _in_widget(
        self,
        session: AsyncSession,
        job: ClaimedJob,
        conversation: Conversation,
        notice: DelayNotice,
        lang: str,
    ) -> str:
        # The message commits before the job is marked done: a job tried again after that (its
        # replica died in between) finds its own event and shows nothing twice.
        if await _shown_before(session, conversation, job.dedupe_key):
            return f"shown before in the widget of conversation {conversation.id}"
        now = self.clock.now()
        said = BotMessage(key=WIDGET_TEXT, variables=dict(variables(notice)))
        replies = await self.outbox.prepare([said], lang)
        # Logged with the message: store() commits both together, then shows it live.
        log.record(
            session,
            conversation,
            log.EventKind.SHOP_MESSAGE,
            at=now,
            detail={
                "message": DELAY_JOB,
                "order": notice.order_number,
                "reason": notice.reason,
                "job": job.dedupe_key,
            },
        )
        await self.outbox.store(session, conversation, replies, now=now, sender=Sender.BOT)
        return f"shown in the widget of conversation {conversation.id} ({lang})"

    async def _by_email(
        self,
        session: AsyncSession,
        job: ClaimedJob,
        policy: EngagementPolicy,
        order: Order,
        conversation: Conversation | None,
        notice: DelayNotice,
        lang: str,
    ) -> str:
        request = MailRequest(
            to=address(order.email),
            kind=DELAY_JOB,
            lang=lang,
            variables=variables(notice),
            conversation_id=conversation.id if conversation is not None else None,
            order_number=order.number,
        )
        return await queue_paced(
            session, job, policy, request, country=order.country, now=self.clock.now()
        )


async def _shown_before(session: AsyncSession, conversation: Conversation, key: str) -> bool:
    query = select(log.ConversationEvent.detail).where(
        col(log.ConversationEvent.conversation_id) == conversation.id,
        col(log.ConversationEvent.kind) == log.EventKind.SHOP_MESSAGE,
    )
    return any((detail or {}).get("job") == key for detail in (await session.exec(query)).all())


async def _arrived(session: AsyncSession, order: Order, notice: DelayNotice) -> bool:
    if order.status in SETTLED:
        return True
    if notice.shipment_id is None:
        return False
    shipment = await session.get(Shipment, notice.shipment_id)
    return shipment is not None and shipment.delivered_on is not None
