"""The follow-up job's handler: checks that the message is still on and still makes sense (the
order not returned, the points not renewed, the conversation not rated), then queues its email in
the shopper's language at the moment the weekly cap and the quiet hours allow, once per job."""

from __future__ import annotations

from pydantic import ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import Clock
from helpdesk.delays.audience import language_for, market_language, shoppers_conversation
from helpdesk.followups import csat
from helpdesk.followups.jobs import CHECK_IN, CSAT, EXPIRY, REVIEW, THANK_YOU, FollowUp
from helpdesk.followups.pacing import address, queue_paced
from helpdesk.jobs.models import ClaimedJob
from helpdesk.jobs.runner import PermanentFailure
from helpdesk.mail.service import MailRequest
from helpdesk.orders.models import LoyaltyAccount, Order, OrderStatus, Shipment
from helpdesk.policies import engagement
from helpdesk.policies.loading import Policies
from helpdesk.policies.loyalty import points_expire_on
from helpdesk.policies.shipping import tracking_url
from helpdesk.policies.store import PolicyStore

Values = dict[str, str | int | float]
# What an order must be for each message to still make sense when it falls due.
STILL = {
    THANK_YOU: {OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED},
    CHECK_IN: {OrderStatus.DELIVERED},
    REVIEW: {OrderStatus.DELIVERED},
}


def greeting(name: str | None) -> Values:
    """ "Hello Ana," when the order has a name, else "Hello,": each language words both."""
    first = (name or "").split()
    if first:
        return {"greeting_key": "mail_greeting_named", "name": first[0]}
    return {"greeting_key": "mail_greeting"}


class FollowUps:
    """Handler of "followup" jobs."""

    def __init__(
        self,
        *,
        policies: PolicyStore,
        clock: Clock,
        languages: list[str],
        rate_url: csat.RateUrl | None = None,
    ) -> None:
        self.policies, self.clock, self.languages = policies, clock, languages
        self.rate_url = rate_url

    async def handle_job(self, job: ClaimedJob, session: AsyncSession) -> str:
        try:
            followup = FollowUp.model_validate(job.payload)
        except ValidationError as error:
            raise PermanentFailure(f"not a follow-up: {error.errors()[:3]}") from error
        policies = self.policies.policies  # read at send time: the merchant may edit
        if not engagement.is_on(policies.engagement, followup.message, "email"):
            return f"done without sending: {followup.message} is off in engagement.yml"
        if followup.message == EXPIRY:
            return await self._reminder(session, job, policies, followup)
        if followup.message == CSAT:
            return await self._csat(session, job, policies, followup)
        return await self._about_order(session, job, policies, followup)

    async def _about_order(
        self, session: AsyncSession, job: ClaimedJob, policies: Policies, followup: FollowUp
    ) -> str:
        query = select(Order).where(col(Order.number) == followup.order_number)
        order = (await session.exec(query)).first()
        if order is None:
            raise PermanentFailure(f"there is no order {followup.order_number}")
        if order.status not in STILL[followup.message]:
            return f"done without sending: the order is {order.status} now"
        values: Values = {"order_number": order.number, **greeting(order.customer_name)}
        if followup.message == THANK_YOU:
            link = await _tracking(session, policies, order)
            if link is None:
                return "done without sending: no parcel with a tracking link"
            values["tracking_url"] = link
        if followup.message == REVIEW:
            values["review_url"] = engagement.review_link(policies.engagement, order.country)
        conversation = await shoppers_conversation(session, order)
        lang = language_for(conversation, order.country, self.languages)
        return await self._mail(
            session,
            job,
            policies,
            MailRequest(
                to=address(order.email),
                kind=followup.message,
                lang=lang,
                variables=values,
                conversation_id=conversation.id if conversation is not None else None,
                order_number=order.number,
            ),
            country=order.country,
        )

    async def _reminder(
        self, session: AsyncSession, job: ClaimedJob, policies: Policies, followup: FollowUp
    ) -> str:
        account = await session.get(LoyaltyAccount, followup.account_id or 0)
        if account is None:
            raise PermanentFailure(f"there is no loyalty account {followup.account_id}")
        if account.balance <= 0 or account.last_activity is None:
            return "done without sending: no points left to expire"
        expires_on = points_expire_on(policies.loyalty, account.last_activity)
        if expires_on.isoformat() != followup.expires_on:
            return f"done without sending: the points now expire on {expires_on.isoformat()}"
        if expires_on <= self.clock.today():
            return "done without sending: the points expired already"
        values: Values = {"points": account.balance, "expires_on": expires_on.isoformat()}
        request = MailRequest(
            to=address(account.email),
            kind=EXPIRY,
            lang=market_language(account.country, self.languages),
            variables=values,
        )
        return await self._mail(session, job, policies, request, country=account.country)

    async def _csat(
        self, session: AsyncSession, job: ClaimedJob, policies: Policies, followup: FollowUp
    ) -> str:
        if self.rate_url is None:
            raise PermanentFailure("this replica has no rating links to give")
        request = await csat.question(session, followup, self.rate_url)
        if isinstance(request, str):
            return request
        # A conversation has no country: the quiet hours are those of default_timezone.
        return await self._mail(session, job, policies, request, country="")

    async def _mail(
        self,
        session: AsyncSession,
        job: ClaimedJob,
        policies: Policies,
        request: MailRequest,
        *,
        country: str,
    ) -> str:
        return await queue_paced(
            session, job, policies.engagement, request, country=country, now=self.clock.now()
        )


async def _tracking(session: AsyncSession, policies: Policies, order: Order) -> str | None:
    """The tracking link of the order's first parcel that has one (a carrier of shipping.yml)."""
    query = select(Shipment).where(col(Shipment.order_id) == order.id).order_by(col(Shipment.id))
    for shipment in (await session.exec(query)).all():
        if shipment.carrier in policies.shipping.carriers and shipment.tracking_number.strip():
            return tracking_url(policies.shipping, shipment.carrier, shipment.tracking_number)
    return None
