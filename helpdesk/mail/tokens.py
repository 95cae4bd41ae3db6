"""The signed token of a one-click unsubscribe link: who (the address), from which email, until
when; HMAC-SHA256 with the settings' key, so that nobody can unsubscribe another address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from helpdesk.errors import BadRequest, HelpdeskError
from helpdesk.mail import signing

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


def sign(key: bytes, email: str, kind: str, lang: str, *, now: datetime) -> str:
    return signing.seal(key, {"e": email, "k": kind, "l": lang}, expires=now + LIFETIME)


def verify(key: bytes, token: str, *, now: datetime) -> Unsubscribe:
    """The link's content, or BadToken (tampered, malformed) / ExpiredToken."""
    try:
        said, expires = signing.unseal(key, token, ("e", "k", "l"), now=now, longest=MAX_TOKEN)
    except signing.Lapsed as error:
        raise ExpiredToken(
            "this unsubscribe link has expired: use the link of a newer email"
        ) from error
    except signing.Forged as error:
        raise BadToken(
            "this unsubscribe link is not valid: open the link from the email"
        ) from error
    return Unsubscribe(said["e"], said["k"], said["l"], expires)
