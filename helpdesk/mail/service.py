"""The mailer: sends one of the shop's emails unless the address unsubscribed, and records it;
also the handler of "mail" jobs, so that any part can have an email sent later, exactly once per
dedupe key (enqueue_mail)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import Clock
from helpdesk.jobs import queue
from helpdesk.jobs.models import ClaimedJob
from helpdesk.jobs.runner import PermanentFailure
from helpdesk.languages.locales import Locales
from helpdesk.mail import records, tokens
from helpdesk.mail.addresses import BadAddress, normalise
from helpdesk.mail.compose import Letter, body_key, compose, subject_key
from helpdesk.mail.senders import MailSender
from helpdesk.settings import Settings

log = logging.getLogger(__name__)
MAIL_JOB = "mail"  # the job kind whose payload is a MailRequest
UNSUBSCRIBE_PATH = "/mail/unsubscribe"
Short = Annotated[str, Field(min_length=1, max_length=200)]


class MailRequest(BaseModel):
    """An email to send: to whom, which message (its texts are mail_<kind>_* in locales/), in
    which language, with which values; what it is about, for the records."""

    model_config = ConfigDict(extra="forbid")

    to: Short
    kind: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    lang: Annotated[str, Field(pattern=r"^[a-z]{2}$")]
    variables: dict[str, str | int | float] = {}
    conversation_id: Short | None = None
    order_number: Short | None = None


async def enqueue_mail(
    session: AsyncSession,
    request: MailRequest,
    *,
    due_at: datetime,
    dedupe_key: str,
    now: datetime,
) -> bool:
    """Have `request` mailed at `due_at`, once for `dedupe_key` ever (in the caller's
    transaction); True when this call queued it."""
    return await queue.enqueue(
        session,
        kind=MAIL_JOB,
        payload=request.model_dump(mode="json"),
        due_at=due_at,
        dedupe_key=dedupe_key,
        now=now,
    )


class Mailer:
    """Composes, checks the suppressions, sends and records."""

    def __init__(
        self, settings: Settings, locales: Locales, sender: MailSender, clock: Clock
    ) -> None:
        self.settings, self.locales, self.sender, self.clock = settings, locales, sender, clock

    def unsubscribe_url(self, email: str, kind: str, lang: str) -> str:
        token = tokens.sign(
            self.settings.unsubscribe_secret, email, kind, lang, now=self.clock.now()
        )
        return f"{self.settings.base_url}{UNSUBSCRIBE_PATH}?t={token}"

    async def send(
        self,
        session: AsyncSession,
        request: MailRequest,
        *,
        dedupe_key: str | None = None,
        job_id: int | None = None,
    ) -> str:
        """Send now, unless the address unsubscribed; the record is added to `session` (the
        caller commits). What happened, in a few words."""
        recipient = normalise(request.to)
        if not self.locales.has(subject_key(request.kind), "en") or not self.locales.has(
            body_key(request.kind), "en"
        ):
            raise KeyError(f"locales/en.yml has no {subject_key(request.kind)} and body")
        if await records.is_suppressed(session, recipient):
            return "done without sending: the address unsubscribed"
        now = self.clock.now()
        letter = Letter(request.kind, recipient, request.lang, dict(request.variables))
        message = compose(
            self.locales,
            letter,
            sender=self.settings.mail_from,
            unsubscribe_url=self.unsubscribe_url(recipient, request.kind, request.lang),
            now=now,
            dedupe_key=dedupe_key,
        )
        where = await self.sender.send(message, now=now)
        records.record_sent(
            session,
            at=now,
            recipient=recipient,
            kind=request.kind,
            lang=request.lang,
            conversation_id=request.conversation_id,
            order_number=request.order_number,
            job_id=job_id,
        )
        return where

    async def handle_job(self, job: ClaimedJob, session: AsyncSession) -> str:
        """The handler of "mail" jobs; a payload no retry can fix makes the job dead at once."""
        try:
            request = MailRequest.model_validate(job.payload)
            return await self.send(session, request, dedupe_key=job.dedupe_key, job_id=job.id)
        except (ValidationError, BadAddress, KeyError) as error:
            raise PermanentFailure(_said(error)) from error


def _said(error: Any) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}" for problem in error.errors()
        )
    return str(error)
