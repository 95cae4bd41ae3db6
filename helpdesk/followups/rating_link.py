"""The signed link of the CSAT email: which conversation, in which language, until when;
HMAC-SHA256 with a key of its own drawn from MAIL_SECRET, so that an unsubscribe token is never
a rating link (nor the other way round) and nobody can rate a conversation that is not theirs."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from helpdesk.errors import BadRequest, HelpdeskError

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


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: bytes, conversation_id: str, lang: str, *, now: datetime) -> str:
    expires = int((now + LIFETIME).timestamp())
    body = _b64(json.dumps({"c": conversation_id, "l": lang, "x": expires}).encode())
    mac = hmac.new(_key(secret), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(secret: bytes, token: str, *, now: datetime) -> RatingLink:
    """The link's content, or BadRatingLink (tampered, malformed) / ExpiredRatingLink."""
    bad = BadRatingLink("this rating link is not valid: open the link from the email")
    if not token or len(token) > MAX_TOKEN or not token.isascii() or token.count(".") != 1:
        raise bad
    body, mac = token.split(".")
    expected = hmac.new(_key(secret), body.encode(), hashlib.sha256).digest()
    try:
        content = json.loads(_unb64(body)) if hmac.compare_digest(_unb64(mac), expected) else None
    except (binascii.Error, ValueError):
        content = None
    if not isinstance(content, dict) or not all(
        isinstance(content.get(name), str) for name in ("c", "l")
    ):
        raise bad
    expires = content.get("x")
    if not isinstance(expires, int) or datetime.fromtimestamp(expires, UTC) < now:
        expired = ExpiredRatingLink("this rating link has expired")
        expired.lang = content["l"]
        raise expired
    return RatingLink(content["c"], content["l"], datetime.fromtimestamp(expires, UTC))


def rate_url(
    base_url: str, secret: bytes, conversation_id: str, lang: str, *, now: datetime
) -> str:
    return f"{base_url}{RATE_PATH}?t={sign(secret, conversation_id, lang, now=now)}"
