"""Verification: the right pair opens an order, a wrong one says nothing, five failures lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from helpdesk.chat.models import Conversation
from helpdesk.database import Database
from helpdesk.orders.models import Order
from helpdesk.orders.verification import (
    LOCK_PERIOD,
    ORDER_LOCK_PERIOD,
    UNSIGNED_EXPIRY_ACCEPTED_UNTIL,
    Proof,
    VerificationLocked,
    identified_customer,
    identity_signature,
    verify_identity,
    verify_order,
    visible_order,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
async def session(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'v.db'}")
    await database.upgrade()
    async with database.session() as session:
        session.add(Conversation(id="c1", token_hash="t1", shop="s", lang="en"))
        for n in range(2, 8):
            session.add(Conversation(id=f"c{n}", token_hash=f"t{n}", shop="s", lang="en"))
        for number, email, postal in (
            ("10045", "ana@example.com", "28013"),
            ("10046", "ana@example.com", "28013"),
            ("10050", "bo@example.com", "SW1A1AA"),
            ("10051", "al@example.com", "94105"),
            ("20001", "", ""),
        ):  # Shopify: no email, no zip (Hong Kong)
            session.add(
                Order(
                    number=number,
                    email=email,
                    postal_code=postal,
                    country="ES",
                    currency="EUR",
                    total=Decimal("59.90"),
                    placed_at=NOW,
                )
            )
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


async def test_a_zip_plus_four_proves_the_five_digit_zip(session):
    assert await verify_order(session, "c1", Proof("10051", postal_code="94105-1234"), now=NOW)
    assert not await verify_order(session, "c2", Proof("10051", postal_code="94106-1234"), now=NOW)


async def test_an_existing_order_with_the_wrong_email_looks_like_a_missing_one(session):
    wrong_email = await verify_order(session, "c1", Proof("10045", email="x@example.com"), now=NOW)
    no_such_order = await verify_order(
        session, "c1", Proof("19999", email="ana@example.com"), now=NOW
    )
    assert wrong_email is None and no_such_order is None
    assert await visible_order(session, "c1", "10045") is None


async def test_five_failures_in_an_hour_lock_the_conversation_for_an_hour(session):
    for minute in range(5):  # on five made-up orders: only the conversation's count adds up
        at = NOW + timedelta(minutes=minute)
        assert (
            await verify_order(session, "c1", Proof(f"1999{minute}", email="no@x.com"), now=at)
            is None
        )
    with pytest.raises(VerificationLocked) as locked:
        await verify_order(
            session, "c1", Proof("10045", email="ana@example.com"), now=NOW + timedelta(minutes=10)
        )
    assert locked.value.until == NOW + LOCK_PERIOD
    other = await verify_order(session, "c2", Proof("10045", email="ana@example.com"), now=NOW)
    assert other is not None  # another conversation is not locked
    later = await verify_order(
        session,
        "c1",
        Proof("10045", email="ana@example.com"),
        now=NOW + LOCK_PERIOD + timedelta(seconds=1),
    )
    assert later.number == "10045"


async def test_four_failures_do_not_lock(session):
    for minute in range(4):
        await verify_order(
            session, "c1", Proof("10045", postal_code="00000"), now=NOW + timedelta(minutes=minute)
        )
    assert (
        await verify_order(session, "c1", Proof("10045", postal_code="28013"), now=NOW) is not None
    )


async def test_failures_older_than_an_hour_do_not_count(session):
    for minute in range(4):
        await verify_order(
            session,
            "c1",
            Proof(f"1999{minute}", email="no@x.com"),
            now=NOW - timedelta(hours=2, minutes=minute),
        )
    await verify_order(session, "c1", Proof("19999", email="no@x.com"), now=NOW)
    assert await verify_order(session, "c1", Proof("10045", email="ana@example.com"), now=NOW)


async def test_a_signed_identity_opens_every_order_of_that_customer(session):
    signature = identity_signature("s3cret", "ana@example.com")
    assert await verify_identity(
        session, "c1", email="ANA@example.com", signature=signature, secret="s3cret", now=NOW
    )
    assert await identified_customer(session, "c1") == "ana@example.com"
    assert (await visible_order(session, "c1", "10046")).number == "10046"
    assert await visible_order(session, "c1", "10050") is None


async def test_a_forged_or_unsigned_identity_is_refused(session):
    forged = identity_signature("not-the-secret", "ana@example.com")
    assert not await verify_identity(
        session, "c1", email="ana@example.com", signature=forged, secret="s3cret", now=NOW
    )
    assert not await verify_identity(
        session, "c1", email="ana@example.com", signature=forged, secret="", now=NOW
    )
    assert await identified_customer(session, "c1") is None


async def test_a_blank_proof_never_opens_an_order_without_email_or_postal_code(session):
    for proof in (
        Proof("20001", email=" "),
        Proof("20001", email=""),
        Proof("20001", postal_code=" "),
        Proof("20001", postal_code=""),
        Proof("20001", postal_code=" - "),
    ):
        assert await verify_order(session, "c2", proof, now=NOW) is None, proof
    blank_identity = identity_signature("s3cret", " ")
    assert not await verify_identity(
        session, "c3", email=" ", signature=blank_identity, secret="s3cret", now=NOW
    )
    assert await visible_order(session, "c2", "20001") is None
    assert await visible_order(session, "c3", "20001") is None


async def test_failures_spread_over_new_chats_lock_the_order_for_a_day(session):
    chats = ["c2", "c3", "c4", "c5"]
    for attempt in range(10):
        try:
            await verify_order(
                session,
                chats[attempt % 4],
                Proof("10045", postal_code=f"0000{attempt}"),
                now=NOW + timedelta(minutes=attempt),
            )
        except VerificationLocked:
            pass
    with pytest.raises(VerificationLocked) as locked:
        await verify_order(
            session, "c6", Proof("10045", postal_code="28013"), now=NOW + timedelta(minutes=20)
        )
    assert locked.value.scope == "order" and locked.value.until == NOW + ORDER_LOCK_PERIOD
    # Another order, and the shop's signed identity, are not locked.
    assert await verify_order(session, "c6", Proof("10050", postal_code="SW1A 1AA"), now=NOW)
    signature = identity_signature("s3cret", "ana@example.com")
    assert await verify_identity(
        session, "c7", email="ana@example.com", signature=signature, secret="s3cret", now=NOW
    )
    assert (await visible_order(session, "c7", "10045")).number == "10045"


async def test_failures_from_one_address_over_many_chats_lock_that_address(session):
    for attempt in range(10):
        chat = f"c{2 + attempt % 5}"
        await verify_order(
            session,
            chat,
            Proof(f"1998{attempt}", email="x@y.z"),
            now=NOW + timedelta(minutes=attempt),
            address="203.0.113.9",
        )
    with pytest.raises(VerificationLocked) as locked:
        await verify_order(
            session,
            "c7",
            Proof("10045", email="ana@example.com"),
            now=NOW + timedelta(minutes=11),
            address="203.0.113.9",
        )
    assert locked.value.scope == "address"
    assert await verify_order(
        session,
        "c7",
        Proof("10045", email="ana@example.com"),
        now=NOW + timedelta(minutes=11),
        address="198.51.100.7",
    )


async def test_a_signed_identity_carries_an_expiry(session):
    expires = int((NOW + timedelta(hours=1)).timestamp())
    good = identity_signature("s3cret", "ana@example.com", expires)
    assert await verify_identity(
        session,
        "c2",
        email="ana@example.com",
        signature=good,
        expires=expires,
        secret="s3cret",
        now=NOW,
    )
    assert not await verify_identity(
        session,
        "c3",
        email="ana@example.com",
        signature=good,
        expires=expires,
        secret="s3cret",
        now=NOW + timedelta(hours=2),
    )
    stretched = int((NOW + timedelta(days=30)).timestamp())
    assert not await verify_identity(
        session,
        "c4",
        email="ana@example.com",
        expires=stretched,
        secret="s3cret",
        now=NOW,
        signature=identity_signature("s3cret", "ana@example.com", stretched),
    )
    # The expiry is signed: moving it later breaks the signature.
    assert not await verify_identity(
        session,
        "c5",
        email="ana@example.com",
        signature=good,
        expires=expires + 3600,
        secret="s3cret",
        now=NOW,
    )


async def test_the_first_form_without_an_expiry_works_until_the_announced_day(session):
    legacy = identity_signature("s3cret", "ana@example.com")
    last_day = datetime.combine(UNSIGNED_EXPIRY_ACCEPTED_UNTIL, datetime.min.time(), UTC)
    assert await verify_identity(
        session,
        "c2",
        email="ana@example.com",
        signature=legacy,
        secret="s3cret",
        now=last_day + timedelta(hours=23),
    )
    assert not await verify_identity(
        session,
        "c3",
        email="ana@example.com",
        signature=legacy,
        secret="s3cret",
        now=last_day + timedelta(days=1),
    )
