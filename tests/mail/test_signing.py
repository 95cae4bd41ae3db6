"""The links' signed tokens: links already sent keep working (these tokens were signed before
unsubscribe and rating links shared mail/signing.py), each kind of link is refused as the other,
and an expired rating link still says its language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.followups import rating_link
from helpdesk.mail import signing, tokens

KEY = b"a key for the tests, long enough"
SIGNED_AT = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
UNSUBSCRIBE = (
    "eyJlIjogImFuYUBleGFtcGxlLmNvbSIsICJrIjogInJldmlld19yZXF1ZXN0IiwgImwiOiAicHQiLCAieCI6IDE4Mjk1"
    "NTI0MDB9._rH_faMouVtKDBXUdPvQoWgLK-kZSWh-Rxpx7gM1rIY"
)
RATING = (
    "eyJjIjogImMwbnZlcnNhdGlvbi0xIiwgImwiOiAiZnIiLCAieCI6IDE3OTc1ODQ0MDB9"
    ".KD7jgqvukaI4zpFX1qq_InzrNM1wgDATHRIax4gRffU"
)


def test_links_signed_before_are_signed_the_same_and_still_valid():
    assert tokens.sign(KEY, "ana@example.com", "review_request", "pt", now=SIGNED_AT) == UNSUBSCRIBE
    assert rating_link.sign(KEY, "c0nversation-1", "fr", now=SIGNED_AT) == RATING
    later = SIGNED_AT + timedelta(days=29)
    assert tokens.verify(KEY, UNSUBSCRIBE, now=later) == tokens.Unsubscribe(
        "ana@example.com", "review_request", "pt", SIGNED_AT + tokens.LIFETIME
    )
    assert rating_link.verify(KEY, RATING, now=later) == rating_link.RatingLink(
        "c0nversation-1", "fr", SIGNED_AT + rating_link.LIFETIME
    )


def test_an_unsubscribe_token_is_no_rating_link_nor_the_other_way_round():
    with pytest.raises(rating_link.BadRatingLink):
        rating_link.verify(KEY, UNSUBSCRIBE, now=SIGNED_AT)
    with pytest.raises(tokens.BadToken):
        tokens.verify(KEY, RATING, now=SIGNED_AT)


def test_an_expired_rating_link_says_its_language():
    with pytest.raises(rating_link.ExpiredRatingLink) as expired:
        rating_link.verify(KEY, RATING, now=SIGNED_AT + rating_link.LIFETIME + timedelta(seconds=1))
    assert expired.value.lang == "fr"


@pytest.mark.parametrize(
    "token",
    ["", "no dot", "a.b.c", "é.x", "x" * 2000, UNSUBSCRIBE[:-2] + "AA", "!!.??"],
)
def test_anything_but_a_token_signed_with_the_key_is_forged(token):
    with pytest.raises(signing.Forged):
        signing.unseal(KEY, token, ("e",), now=SIGNED_AT, longest=1024)
    with pytest.raises(signing.Forged):
        signing.unseal(b"another key", UNSUBSCRIBE, ("e",), now=SIGNED_AT, longest=1024)
