"""The signed token of a one-click unsubscribe link: who (the address), from which email, until
when; HMAC-SHA256 with the settings' key, so that nobody can unsubscribe another address."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from helpdesk.errors import BadRequest, HelpdeskError

# RFC 8058 links must keep working long after the email was read; a year and a bit covers an
# annual reminder.
LIFETIME = timedelta(days=400)
MAX_TOKEN = 1024  # far longer than any token we sign


class BadToken(BadRequest):
    code = "bad_unsubscribe_token"


class ExpiredToken(HelpdeskError):
    status = 410
    code = "unsubscribe_link_expired"


@dataclass(frozen=True)
class Unsubscribe:
    email: str
    kind: str  # the email the link came in
    lang: str
    expires: datetime


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, email: str, kind: str, lang: str, *, now: datetime) -> str:
    expires = int((now + LIFETIME).timestamp())
    body = _b64(json.dumps({"e": email, "k": kind, "l": lang, "x": expires}).encode())
    mac = hmac.new(key, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify(key: bytes, token: str, *, now: datetime) -> Unsubscribe:
    """The link's content, or BadToken (tampered, malformed) / ExpiredToken."""
    if not token or len(token) > MAX_TOKEN or not token.isascii() or token.count(".") != 1:
        raise BadToken("this unsubscribe link is not valid: open the link from the email")
    body, mac = token.split(".")
    expected = hmac.new(key, body.encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac)
        content = json.loads(_unb64(body)) if hmac.compare_digest(given, expected) else None
    except (binascii.Error, ValueError):
        content = None
    if not isinstance(content, dict) or not all(
        isinstance(content.get(name), str) for name in ("e", "k", "l")
    ):
        raise BadToken("this unsubscribe link is not valid: open the link from the email")
    expires = content.get("x")
    if not isinstance(expires, int) or datetime.fromtimestamp(expires, UTC) < now:
        raise ExpiredToken("this unsubscribe link has expired: use the link of a newer email")
    return Unsubscribe(
        content["e"], content["k"], content["l"], datetime.fromtimestamp(expires, UTC)
    )
