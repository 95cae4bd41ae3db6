"""Reading the outbox folder back: the emails that would have gone out, for the workspace's mail
page (the latest first), and one email's parts."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from pydantic import BaseModel

from helpdesk.errors import NotFound

NAME = re.compile(r"[0-9]{8}T[0-9]{12}-[0-9a-f]{12}\.eml")


class OutboxItem(BaseModel):
    name: str
    to: str
    subject: str
    kind: str
    date: str


class OutboxAnswer(BaseModel):
    enabled: bool  # false when SMTP sends the emails: then the folder gets nothing new
    items: list[OutboxItem]


class OutboxEmail(OutboxItem):
    headers: dict[str, str]
    text: str
    html: str


class NoSuchEmail(NotFound):
    code = "email_not_found"


def _read(path: Path) -> EmailMessage:
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)  # policy.default makes EmailMessage objects
    return parsed


def _item(name: str, message: EmailMessage) -> OutboxItem:
    return OutboxItem(
        name=name,
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        kind=str(message.get("X-Helpdesk-Message", "")),
        date=str(message.get("Date", "")),
    )


def listing(directory: Path, *, limit: int = 200) -> list[OutboxItem]:
    """The newest `limit` emails of the folder (names sort by the time they were written)."""
    if not directory.is_dir():
        return []
    names = sorted((p.name for p in directory.iterdir() if NAME.fullmatch(p.name)), reverse=True)
    return [_item(name, _read(directory / name)) for name in names[:limit]]


def one(directory: Path, name: str) -> OutboxEmail:
    """One email of the folder, its parts as text; NoSuchEmail for any other name."""
    if not NAME.fullmatch(name) or not (directory / name).is_file():
        raise NoSuchEmail("no email of that name in the outbox")
    message = _read(directory / name)
    parts = {}
    for subtype in ("plain", "html"):
        part = message.get_body(preferencelist=(subtype,))
        parts[subtype] = part.get_content() if isinstance(part, EmailMessage) else ""
    return OutboxEmail(
        **_item(name, message).model_dump(),
        headers={key: str(value) for key, value in message.items()},
        text=parts["plain"],
        html=parts["html"],
    )
