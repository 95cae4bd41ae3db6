"""Where the shop's emails go: to an SMTP server (aiosmtplib), or by default into files under
var/outbox-mail/ that the workspace lists, so a merchant sees what would go out."""

from __future__ import annotations

import asyncio
import hashlib
import os
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib

from helpdesk.settings import Settings


class MailSender(Protocol):
    async def send(self, message: EmailMessage, *, now: datetime) -> str:
        """Hand the email on; a few words on where it went. Raises when it could not."""
        ...


class SmtpSender:
    """The operator's SMTP server: a connection per email (few emails, and no connection to
    keep alive between them)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage, *, now: datetime) -> str:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            timeout=s.smtp_timeout_seconds,
            cert_bundle=s.smtp_ca_file or None,
        )
        await client.connect()
        connection = client.protocol
        try:
            async with client:  # QUIT and close, also when the login or the sending fails
                if s.smtp_user:
                    await client.login(s.smtp_user, s.smtp_password)
                await client.send_message(message)
        finally:
            await _closed(connection, within=s.smtp_timeout_seconds)
        return f"sent to {s.smtp_host}:{s.smtp_port}"


async def _closed(connection: asyncio.BaseProtocol | None, *, within: float) -> None:
    """Closing a TLS connection ends with a goodbye from the server; until it comes the socket is
    still open, and a sender that moved on would leave it to the garbage collector (one open
    socket per refused login, on a relay that refuses every one)."""
    deadline = asyncio.get_running_loop().time() + within
    while getattr(connection, "transport", None) is not None:
        if asyncio.get_running_loop().time() > deadline:
            return
        await asyncio.sleep(0.01)


class OutboxSender:
    """Emails written as .eml files, named by the clock's time so that they list in order."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, message: EmailMessage, *, now: datetime) -> str:
        raw = bytes(message)
        digest = hashlib.sha256(raw).hexdigest()[:12]
        name = f"{now:%Y%m%dT%H%M%S%f}-{digest}.eml"
        await asyncio.to_thread(self._write, name, raw)
        return f"written to {self.directory.name}/{name}"

    def _write(self, name: str, raw: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self.directory / f".{name}.part"
        partial.write_bytes(raw)
        os.replace(partial, self.directory / name)  # the listing never sees half an email


def sender_for(settings: Settings) -> MailSender:
    """SMTP when SMTP_HOST is set, else the outbox folder (the embedded default)."""
    if settings.smtp_host:
        return SmtpSender(settings)
    return OutboxSender(settings.outbox_mail_dir)
