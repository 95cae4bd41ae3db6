"""Email addresses as the shop keeps them: one spelling per mailbox, so that an unsubscription
holds whatever case or spaces the next order writes the address with."""

from __future__ import annotations

import re

from helpdesk.errors import BadRequest

# Deliberately loose: the mail server judges deliverability; this refuses only what cannot be an
# address at all, or could smuggle a header (line breaks, angle brackets, commas).
_ADDRESS = re.compile(r"[^\s@<>,;\"()\[\]\\]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}")


class BadAddress(BadRequest):
    code = "bad_email"


def normalise(email: str) -> str:
    """The address trimmed and in small letters, or BadAddress. Local parts are case-sensitive
    in theory, never in the mailboxes shoppers use."""
    address = email.strip().lower() if isinstance(email, str) else ""
    if not _ADDRESS.fullmatch(address):
        raise BadAddress("not an email address such as ana@example.com")
    return address


def masked(address: str) -> str:
    """The address as told to someone who may not own it: 'l•••@example.com'. The first letter
    lets its owner recognise it; the domain says which mailbox to look in."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}•••@{domain}"
