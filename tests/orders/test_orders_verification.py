"""Verification: the right pair opens an order, a wrong one says nothing, five failures lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from helpdesk.database import Database
from helpdesk.models import Conversation
from helpdesk.orders.models import Order
from helpdesk.orders.verification import (LOCK_PERIOD, Proof, VerificationLocked,
                                          identified_customer, identity_signature, verify_identity,
                                          verify_order, visible_order)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
async def session(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'v.db'}")
    await database.upgrade()
    async with database.session() as session:
        session.add(Conversation(id="c1", token_hash="t1", shop="s", lang="en"))
        session.add(Conversation(id="c2", token_hash="t2", shop="s", lang="en"))
        for number, email, postal in (("10045", "ana@example.com", "28013"),
                                      ("10046", "ana@example.com", "28013"),
                                      ("10050", "bo@example.com", "SW1A1AA")):
            session.add(Order(number=number, email=email, postal_code=postal, country="ES",
                              currency="EUR", total=Decimal("59.90"), placed_at=NOW))
        await session.commit()
        yield session
    await database.close()


async def test_order_number_and_email_open_that_order_only(session):
    order = await verify_order(session, "c1", Proof("10045", email=" Ana@Example.com "), now=NOW)
    assert order.number == "10045"
    assert (await visible_order(session, "c1", "10045")).number == "10045"
    assert await visible_order(session, "c1", "10046") is None  # same customer, not proven
    assert await visible_order(session, "c2", "10045") is None  # per conversation


async def test_postal_code_works_too_written_any_way(session):
    order = await verify_order(session, "c1", Proof("10050", postal_code="sw1a 1aa"), now=NOW)
    assert order.number == "10050"


async def test_an_existing_order_with_the_wrong_email_looks_like_a_missing_one(session):
    wrong_email = await verify_order(session, "c1", Proof("10045", email="x@example.com"), now=NOW)
    no_such_order = await verify_order(session, "c1", Proof("19999", email="ana@example.com"), now=NOW)
    assert wrong_email is None and no_such_order is None
    assert await visible_order(session, "c1", "10045") is None


async def test_five_failures_in_an_hour_lock_the_conversation_for_an_hour(session):
    for minute in range(5):
        at = NOW + timedelta(minutes=minute)
        assert await verify_order(session, "c1", Proof("10045", email="no@x.com"), now=at) is None
    with pytest.raises(VerificationLocked) as locked:
        await verify_order(session, "c1", Proof("10045", email="ana@example.com"),
                           now=NOW + timedelta(minutes=10))
    assert locked.value.until == NOW + LOCK_PERIOD
    other = await verify_order(session, "c2", Proof("10045", email="ana@example.com"), now=NOW)
    assert other is not None  # another conversation is not locked
    later = await verify_order(session, "c1", Proof("10045", email="ana@example.com"),
                               now=NOW + LOCK_PERIOD + timedelta(seconds=1))
    assert later.number == "10045"


async def test_four_failures_do_not_lock(session):
    for minute in range(4):
        await verify_order(session, "c1", Proof("10045", postal_code="00000"),
                           now=NOW + timedelta(minutes=minute))
    assert await verify_order(session, "c1", Proof("10045", postal_code="28013"), now=NOW) is not None


async def test_failures_older_than_an_hour_do_not_count(session):
    for minute in range(4):
        await verify_order(session, "c1", Proof("10045", email="no@x.com"),
                           now=NOW - timedelta(hours=2, minutes=minute))
    await verify_order(session, "c1", Proof("10045", email="no@x.com"), now=NOW)
    assert await verify_order(session, "c1", Proof("10045", email="ana@example.com"), now=NOW)


async def test_a_signed_identity_opens_every_order_of_that_customer(session):
    signature = identity_signature("s3cret", "ana@example.com")
    assert await verify_identity(session, "c1", email="ANA@example.com", signature=signature,
                                 secret="s3cret", now=NOW)
    assert await identified_customer(session, "c1") == "ana@example.com"
    assert (await visible_order(session, "c1", "10046")).number == "10046"
    assert await visible_order(session, "c1", "10050") is None


async def test_a_forged_or_unsigned_identity_is_refused(session):
    forged = identity_signature("not-the-secret", "ana@example.com")
    assert not await verify_identity(session, "c1", email="ana@example.com", signature=forged,
                                     secret="s3cret", now=NOW)
    assert not await verify_identity(session, "c1", email="ana@example.com", signature=forged,
                                     secret="", now=NOW)
    assert await identified_customer(session, "c1") is None
