"""The signed link of the CSAT email: which conversation, in which language, until when;
HMAC-SHA256 with a key of its own drawn from MAIL_SECRET, so that an unsubscribe token is never
a rating link (nor the other way round) and nobody can rate a conversation that is not theirs."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from helpdesk.errors import BadRequest, HelpdeskError
from helpdesk.mail import signing

RATE_PATH = "/mail/rate"
# Long enough for a shopper back from a holiday; a rating months later says little.
LIFETIME = timedelta(days=30)
MAX_TOKEN = 512  # far longer than any token we sign


class BadRatingLink(BadRequest):
    code = "bad_rating_link"


class ExpiredRatingLink(HelpdeskError):
    status = 410
    code = "rating_link_expired"
    lang: str | None = None  # the link was genuine: its page can still be in its language


@dataclass(frozen=True)
class RatingLink:
    conversation_id: str
    lang: str
    expires: datetime


def _key(secret: bytes) -> bytes:
    return hmac.new(secret, b"csat rating link", hashlib.sha256).digest()


def sign(secret: bytes, conversation_id: str, lang: str, *, now: datetime) -> str:
    return signing.seal(_key(secret), {"c": conversation_id, "l": lang}, expires=now + LIFETIME)


def verify(secret: bytes, token: str, *, now: datetime) -> RatingLink:
    """The link's content, or BadRatingLink (tampered, malformed) / ExpiredRatingLink."""
    try:
        said, expires = signing.unseal(_key(secret), token, ("c", "l"), now=now, longest=MAX_TOKEN)
    except signing.Lapsed as error:
        expired = ExpiredRatingLink("this rating link has expired")
        expired.lang = error.content["l"]
        raise expired from error
    except signing.Forged as error:
        raise BadRatingLink(
            "this rating link is not valid: open the link from the email"
        ) from error
    return RatingLink(said["c"], said["l"], expires)


def rate_url(
    base_url: str, secret: bytes, conversation_id: str, lang: str, *, now: datetime
) -> str:
    return f"{base_url}{RATE_PATH}?t={sign(secret, conversation_id, lang, now=now)}"
