"""Who may see an order: proof per conversation, and a lock after repeated failures.

A conversation sees an order's details only after proving it: the order number with the email
or postal code on the order, or an identity the shop signed for a logged-in customer. Answers
never say which half of a wrong pair was wrong, nor whether the order exists.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.models import aware
from helpdesk.orders.models import Order, VerificationAttempt

MAX_FAILURES = 5
LOCK_PERIOD = timedelta(hours=1)


class VerificationLocked(Exception):
    """Too many failed attempts in this conversation; try again after `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"verification locked until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class Proof:
    order_number: str
    email: str | None = None
    postal_code: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_postal_code(code: str) -> str:
    return "".join(code.split()).upper()


def identity_signature(secret: str, email: str) -> str:
    """What the shop puts next to a logged-in customer's email: hex HMAC-SHA256 of the email."""
    return hmac.new(secret.encode(), normalise_email(email).encode(), hashlib.sha256).hexdigest()


async def locked_until(session: AsyncSession, conversation_id: str, *, now: datetime) -> datetime | None:
    """When the lock ends, if MAX_FAILURES attempts failed within the last LOCK_PERIOD."""
    query = (select(VerificationAttempt.at)
             .where(VerificationAttempt.conversation_id == conversation_id,
                    VerificationAttempt.succeeded == False,  # noqa: E712 - SQL comparison
                    col(VerificationAttempt.at) > now - LOCK_PERIOD)
             .order_by(col(VerificationAttempt.at).desc()).limit(MAX_FAILURES))
    failures = [aware(at) for at in await session.exec(query)]
    if len(failures) < MAX_FAILURES:
        return None
    return failures[-1] + LOCK_PERIOD  # the oldest of the last five, plus an hour


async def verify_order(session: AsyncSession, conversation_id: str, proof: Proof, *,
                       now: datetime) -> Order | None:
    """The order, when the proof matches it; None otherwise (for any reason). Records the try."""
    if (until := await locked_until(session, conversation_id, now=now)) is not None:
        raise VerificationLocked(until)
    order = (await session.exec(select(Order).where(Order.number == proof.order_number))).first()
    matches = order is not None and (
        (proof.email is not None and normalise_email(proof.email) == order.email)
        or (proof.postal_code is not None
            and normalise_postal_code(proof.postal_code) == order.postal_code))
    session.add(VerificationAttempt(
        conversation_id=conversation_id, order_number=proof.order_number,
        method="email" if proof.email else "postal_code", succeeded=matches,
        email=order.email if matches else None, at=now))
    await session.commit()
    return order if matches else None


async def verify_identity(session: AsyncSession, conversation_id: str, *, email: str,
                          signature: str, secret: str, now: datetime) -> bool:
    """A signed customer identity from the shop: every order of that email becomes visible."""
    if (until := await locked_until(session, conversation_id, now=now)) is not None:
        raise VerificationLocked(until)
    valid = bool(secret) and hmac.compare_digest(identity_signature(secret, email), signature or "")
    session.add(VerificationAttempt(conversation_id=conversation_id, method="identity",
                                    succeeded=valid, email=normalise_email(email) if valid else None,
                                    at=now))
    await session.commit()
    return valid


async def visible_order(session: AsyncSession, conversation_id: str, order_number: str) -> Order | None:
    """The order if this conversation has proven it may see it: that order's own proof, or a
    signed identity of the customer who placed it."""
    order = (await session.exec(select(Order).where(Order.number == order_number))).first()
    if order is None:
        return None
    proofs = await session.exec(select(VerificationAttempt).where(
        VerificationAttempt.conversation_id == conversation_id,
        VerificationAttempt.succeeded == True))  # noqa: E712 - SQL comparison
    for proof in proofs:
        if proof.order_number == order.number or (proof.method == "identity"
                                                   and proof.email == order.email):
            return order
    return None


async def identified_customer(session: AsyncSession, conversation_id: str) -> str | None:
    """The email of the logged-in customer the shop vouched for in this conversation, if any."""
    query = (select(VerificationAttempt.email)
             .where(VerificationAttempt.conversation_id == conversation_id,
                    VerificationAttempt.method == "identity",
                    VerificationAttempt.succeeded == True)  # noqa: E712 - SQL comparison
             .order_by(col(VerificationAttempt.at).desc()))
    return (await session.exec(query)).first()
