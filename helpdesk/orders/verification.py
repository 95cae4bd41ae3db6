"""Who may see an order: proof per conversation, and locks after repeated failures.

A conversation sees an order's details only after proving it: the order number with the email
or postal code on the order, or an identity the shop signed for a logged-in customer. Answers
never say which half of a wrong pair was wrong, nor whether the order exists.

A blank proof proves nothing, and a blank value on the order (Shopify orders without an email or
a postal code) never matches: such an order opens only by a signed identity or through a person.
Failures count three ways, so that spreading guesses over new chats or many orders does not help:
per conversation, per order (then only a signed identity or a person opens it for a day), and
per address the shopper writes from.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import aware
from helpdesk.orders.models import Order, VerificationAttempt

MAX_FAILURES = 5  # per conversation within LOCK_PERIOD
LOCK_PERIOD = timedelta(hours=1)
ORDER_MAX_FAILURES = 5  # per order, over every conversation, within ORDER_LOCK_PERIOD
ORDER_LOCK_PERIOD = timedelta(hours=24)
ADDRESS_MAX_FAILURES = 10  # per address, over every conversation, within LOCK_PERIOD
# Identities signed without an expiry (the first form) are accepted until this day, so that shops
# have time to add one (README: "The shop's signed identity").
UNSIGNED_EXPIRY_ACCEPTED_UNTIL = date(2027, 6, 30)
MAX_IDENTITY_LIFETIME = timedelta(days=7)


class VerificationLocked(Exception):
    """Too many failed attempts; try again after `until`. `scope` says what is locked:
    "conversation", "address" or "order" (the last opens only by identity or a person)."""

    def __init__(self, until: datetime, scope: str = "conversation") -> None:
        super().__init__(f"verification of this {scope} locked until {until.isoformat()}")
        self.until = until
        self.scope = scope


@dataclass(frozen=True)
class Proof:
    order_number: str
    email: str | None = None
    postal_code: str | None = None

    @property
    def method(self) -> str:
        return "email" if self.email is not None else "postal_code"

    def matches(self, order: Order) -> bool:
        """Equal after normalising, and never on a blank value of either side."""
        if self.email is not None:
            given, stored = normalise_email(self.email), normalise_email(order.email or "")
        else:
            given = normalise_postal_code(self.postal_code or "")
            stored = normalise_postal_code(order.postal_code or "")
            given, stored = _same_zip_precision(given, stored)
        return bool(given) and bool(stored) and hmac.compare_digest(given, stored)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_postal_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _same_zip_precision(given: str, stored: str) -> tuple[str, str]:
    """A US ZIP+4 ("94105-1234") proves the 5-digit ZIP stored on an order, and the other way
    round: the extra four digits only narrow the delivery route."""
    if given.isdigit() and stored.isdigit() and {len(given), len(stored)} == {5, 9}:
        return given[:5], stored[:5]
    return given, stored


def identity_signature(secret: str, email: str, expires: int | None = None) -> str:
    """What the shop puts next to a logged-in customer's email: hex HMAC-SHA256 of the
    lower-cased email, then a newline and the expiry in Unix seconds (the first form, without
    an expiry, signed the email alone)."""
    message = normalise_email(email) if expires is None else f"{normalise_email(email)}\n{expires}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


async def _failures(session: AsyncSession, since: datetime, *where) -> list[datetime]:
    query = (
        select(VerificationAttempt.at)
        .where(
            col(VerificationAttempt.succeeded).is_(False),
            col(VerificationAttempt.at) > since,
            *where,
        )
        .order_by(col(VerificationAttempt.at).desc())
    )
    return [aware(at) for at in await session.exec(query)]


async def _lock(
    session: AsyncSession, limit: int, period: timedelta, scope: str, *where, now: datetime
) -> VerificationLocked | None:
    failures = await _failures(session, now - period, *where)
    if len(failures) < limit:
        return None
    return VerificationLocked(
        failures[limit - 1] + period, scope
    )  # the limit-th newest, plus the period


async def locked_until(
    session: AsyncSession, conversation_id: str, *, now: datetime, address: str | None = None
) -> datetime | None:
    """When the lock on this conversation (or its address) ends, if one holds now."""
    lock = await _conversation_lock(session, conversation_id, address, now=now)
    return lock.until if lock else None


async def _conversation_lock(
    session: AsyncSession, conversation_id: str, address: str | None, *, now: datetime
) -> VerificationLocked | None:
    lock = await _lock(
        session,
        MAX_FAILURES,
        LOCK_PERIOD,
        "conversation",
        VerificationAttempt.conversation_id == conversation_id,
        now=now,
    )
    if lock is None and address:
        lock = await _lock(
            session,
            ADDRESS_MAX_FAILURES,
            LOCK_PERIOD,
            "address",
            VerificationAttempt.address == address,
            now=now,
        )
    return lock


async def verify_order(
    session: AsyncSession,
    conversation_id: str,
    proof: Proof,
    *,
    now: datetime,
    address: str | None = None,
) -> Order | None:
    """The order, when the proof matches it; None otherwise (for any reason). Records the try.
    Raises VerificationLocked while the conversation, its address or the order is locked."""
    if (lock := await _conversation_lock(session, conversation_id, address, now=now)) is not None:
        raise lock
    number = proof.order_number
    if (
        lock := await _lock(
            session,
            ORDER_MAX_FAILURES,
            ORDER_LOCK_PERIOD,
            "order",
            VerificationAttempt.order_number == number,
            now=now,
        )
    ) is not None:
        raise lock
    order = (await session.exec(select(Order).where(Order.number == number))).first()
    matches = order is not None and proof.matches(order)
    session.add(
        VerificationAttempt(
            conversation_id=conversation_id,
            order_number=number,
            method=proof.method,
            succeeded=matches,
            email=order.email if matches and order else None,
            address=address,
            at=now,
        )
    )
    await session.commit()
    return order if matches else None


def identity_problem(
    email: str, signature: str, expires: int | None, *, secret: str, now: datetime
) -> str | None:
    """Why a signed identity does not hold (None when it does), in words for the shop's developer."""
    if not secret:
        return "this helpdesk has no IDENTITY_SECRET, so it cannot check signed identities"
    if not normalise_email(email):
        return "the identity's email is blank"
    if not hmac.compare_digest(
        identity_signature(secret, email, expires), (signature or "").lower()
    ):
        return "the signature does not match the email (and expiry): is IDENTITY_SECRET the shop's secret?"
    if expires is None:
        if now.date() > UNSIGNED_EXPIRY_ACCEPTED_UNTIL:
            return (
                f"identities without an expiry were accepted until "
                f"{UNSIGNED_EXPIRY_ACCEPTED_UNTIL.isoformat()}: sign one with an expiry"
            )
        return None
    if expires <= now.timestamp():
        return "the identity has expired: sign it again when the page is rendered"
    if expires > (now + MAX_IDENTITY_LIFETIME).timestamp():
        return f"the identity's expiry is more than {MAX_IDENTITY_LIFETIME.days} days ahead"
    return None


async def verify_identity(
    session: AsyncSession,
    conversation_id: str,
    *,
    email: str,
    signature: str,
    secret: str,
    now: datetime,
    expires: int | None = None,
) -> bool:
    """A signed customer identity from the shop: every order of that email becomes visible."""
    if (until := await locked_until(session, conversation_id, now=now)) is not None:
        raise VerificationLocked(until)
    valid = identity_problem(email, signature, expires, secret=secret, now=now) is None
    session.add(
        VerificationAttempt(
            conversation_id=conversation_id,
            method="identity",
            succeeded=valid,
            email=normalise_email(email) if valid else None,
            at=now,
        )
    )
    await session.commit()
    return valid


async def visible_order(
    session: AsyncSession, conversation_id: str, order_number: str
) -> Order | None:
    """The order if this conversation has proven it may see it: that order's own proof, or a
    signed identity of the customer who placed it."""
    order = (await session.exec(select(Order).where(Order.number == order_number))).first()
    if order is None:
        return None
    proofs = await session.exec(
        select(VerificationAttempt).where(
            VerificationAttempt.conversation_id == conversation_id,
            col(VerificationAttempt.succeeded).is_(True),
        )
    )
    for proof in proofs:
        if proof.order_number == order.number or (
            proof.method == "identity" and order.email and proof.email == order.email
        ):
            return order
    return None


async def identified_customer(session: AsyncSession, conversation_id: str) -> str | None:
    """The email of the logged-in customer the shop vouched for in this conversation, if any."""
    query = (
        select(VerificationAttempt.email)
        .where(
            VerificationAttempt.conversation_id == conversation_id,
            VerificationAttempt.method == "identity",
            col(VerificationAttempt.succeeded).is_(True),
            func.length(func.coalesce(VerificationAttempt.email, "")) > 0,
        )
        .order_by(col(VerificationAttempt.at).desc())
    )
    return (await session.exec(query)).first()
