"""Signed tokens of the links in the shop's emails (unsubscribe, rating): a few short text fields
and an expiry, as base64url JSON and its HMAC-SHA256, so that a link proves itself with no session
and nobody can write one for somebody else."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import UTC, datetime


class Forged(ValueError):
    """Not a token signed with this key: malformed, altered, or signed with another key."""


class Lapsed(ValueError):
    """A genuine token past its expiry; `content` is what it says, for a page in its language."""

    def __init__(self, content: dict[str, str]) -> None:
        super().__init__("the token has expired")
        self.content = content


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> bytes:
    return hmac.new(key, body.encode(), hashlib.sha256).digest()


def seal(key: bytes, content: dict[str, str], *, expires: datetime) -> str:
    """`content` and its expiry (whole seconds, field "x") signed with `key`."""
    body = _b64(json.dumps({**content, "x": int(expires.timestamp())}).encode())
    return f"{body}.{_b64(_mac(key, body))}"


def unseal(
    key: bytes, token: str, fields: tuple[str, ...], *, now: datetime, longest: int
) -> tuple[dict[str, str], datetime]:
    """The text `fields` of a token `seal` signed with `key`, and its expiry; Forged when it is
    not one (or lacks a field), Lapsed when it expired before `now`."""
    if not token or len(token) > longest or not token.isascii() or token.count(".") != 1:
        raise Forged("not a signed token")
    body, mac = token.split(".")
    try:
        genuine = hmac.compare_digest(_unb64(mac), _mac(key, body))
        content = json.loads(_unb64(body)) if genuine else None
    except (binascii.Error, ValueError):
        content = None
    if not isinstance(content, dict) or not all(
        isinstance(content.get(name), str) for name in fields
    ):
        raise Forged("not a signed token")
    said = {name: content[name] for name in fields}
    expires = content.get("x")
    if not isinstance(expires, int) or datetime.fromtimestamp(expires, UTC) < now:
        raise Lapsed(said)
    return said, datetime.fromtimestamp(expires, UTC)
