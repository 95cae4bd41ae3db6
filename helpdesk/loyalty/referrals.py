"""Referral codes: each member's own code to share, given the first time it is asked for and
kept, and the link of loyalty.yml a friend opens with it."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.orders.models import LoyaltyAccount

# No 0/O or 1/I: the code is read aloud, or typed from a phone.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8  # 32**8: a clash with another member's code is rare, and tried again
TRIES = 5
CODE_PLACE = "{code}"


def new_code(choose: Callable[[str], str] = secrets.choice) -> str:
    return "".join(choose(ALPHABET) for _ in range(LENGTH))


async def referral_code_of(
    session: AsyncSession, account_id: int, *, make: Callable[[], str] = new_code
) -> str:
    """The member's code, given now (and committed) if they have none. The UPDATE writes only
    where no code is set yet, so two turns asking at once keep the first code given; a code
    another member already has (the unique index refuses it) is replaced by a new one."""
    for _ in range(TRIES):
        query = select(LoyaltyAccount.referral_code).where(LoyaltyAccount.id == account_id)
        if current := (await session.exec(query)).one():
            return current
        try:
            await session.exec(
                update(LoyaltyAccount)
                .where(
                    col(LoyaltyAccount.id) == account_id,
                    col(LoyaltyAccount.referral_code).is_(None),
                )
                .values(referral_code=make())
                .execution_options(synchronize_session=False)
            )
            await session.commit()
        except IntegrityError:
            await session.rollback()
    raise RuntimeError(f"no free referral code found in {TRIES} tries")


def referral_link(template: str, code: str) -> str:
    """The link of loyalty.yml's `referral_link` with the member's code in it."""
    return template.replace(CODE_PLACE, code)
