"""The due job: one piece of work due at a moment, done once whichever replica claims it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, field_validator
from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from helpdesk.clock import aware
from helpdesk.columns import optional_timestamp


class JobState(StrEnum):
    DUE = "due"  # waiting for its moment (or for the next try after a failure)
    RUNNING = "running"  # claimed by a replica until lease_until
    DONE = "done"
    DEAD = "dead"  # failed every try: waits for an admin to look and re-queue it


class DueJob(SQLModel, table=True):
    __tablename__ = "due_job"
    __table_args__ = (
        # One job per event, ever: a second enqueue with the same key adds nothing, so that a
        # repeated webhook or a second replica can never make a message go out twice.
        UniqueConstraint("dedupe_key", name="uq_due_job_dedupe_key"),
        Index("ix_due_job_state_due_at", "state", "due_at"),
        Index("ix_due_job_state_lease_until", "state", "lease_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # names the handler (jobs/handlers.py)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # Moments by the app's clock: no defaults, every caller says.
    due_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    dedupe_key: str
    state: str = JobState.DUE
    attempts: int = 0  # claims so far; a claim's number is its lease token
    lease_until: datetime | None = optional_timestamp()
    last_error: str | None = None
    outcome: str | None = None  # what the handler said it did ("sent", "suppressed: ...")
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    finished_at: datetime | None = optional_timestamp()


@dataclass(frozen=True)
class ClaimedJob:
    """A job as a replica claimed it: `attempt` proves the claim is still its own."""

    id: int
    kind: str
    payload: dict[str, Any]
    dedupe_key: str
    due_at: datetime
    attempt: int


class JobPublic(BaseModel):
    """A job as admins see it (the dead-letter list)."""

    id: int
    kind: str
    dedupe_key: str
    state: str
    attempts: int
    due_at: datetime
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None

    @field_validator("due_at", "created_at", "finished_at")
    @classmethod
    def _in_utc(cls, moment: datetime | None) -> datetime | None:
        return aware(moment) if moment is not None else None  # SQLite hands back naive ones


class DeadJobsAnswer(BaseModel):
    jobs: list[JobPublic]
