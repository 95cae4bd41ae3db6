"""Tables and API shapes for the people who answer shoppers: agents, their sessions, their logins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import pydantic
from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from helpdesk.chat.models import MAX_TEXT_LENGTH, sensible_text
from helpdesk.columns import timestamp


class Role(StrEnum):
    AGENT = "agent"
    ADMIN = "admin"  # sees and works every team's queue


class Agent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)  # stored lower-case
    name: str
    password_hash: str
    role: str = Role.AGENT
    languages: str  # comma-separated ISO 639-1 codes; the first is the workspace language
    team: str
    capacity: int = 3  # conversations at once
    active: bool = True
    created_at: datetime = timestamp()

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def language(self) -> str:
        return self.language_list[0]


class AgentSession(SQLModel, table=True):
    """A logged-in browser: the cookie holds the token, the table only its hash."""

    __tablename__ = "agent_session"
    token_hash: str = Field(primary_key=True)
    agent_id: int = Field(foreign_key="agent.id", index=True)
    csrf_token: str
    created_at: datetime = timestamp()
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class LoginFailure(SQLModel, table=True):
    """One login attempt, written down before its password is checked (helpdesk.agents.accounts says
    how they are counted); it stays as a wrong password, and goes when the attempt was refused
    unchecked or its (email, address) pair logs in."""

    __tablename__ = "login_failure"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True)
    address: str = Field(index=True)
    at: datetime = timestamp(index=True)


class KnownLogin(SQLModel, table=True):
    """An address an agent logged in from: a flood of wrong passwords from elsewhere does not
    lock the agent out of it."""

    __tablename__ = "known_login"
    __table_args__ = (UniqueConstraint("email", "address"),)
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True)
    address: str
    last_at: datetime = timestamp()


# --- API shapes -----------------------------------------------------------------------------


class AgentPublic(BaseModel):
    id: int
    email: str
    name: str
    role: str
    languages: list[str]
    team: str
    capacity: int

    @classmethod
    def of(cls, agent: Agent) -> AgentPublic:
        return cls(
            id=agent.id,
            email=agent.email,
            name=agent.name,
            role=agent.role,
            languages=agent.language_list,
            team=agent.team,
            capacity=agent.capacity,
        )


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    email: str = pydantic.Field(min_length=3, max_length=320)
    password: str = pydantic.Field(min_length=1, max_length=1024)


class AgentMessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    text: str
    internal: bool = False

    @field_validator("text")
    @classmethod
    def _sensible_text(cls, text: str) -> str:
        return sensible_text(text, "write a reply")


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    text: str = pydantic.Field(min_length=1, max_length=MAX_TEXT_LENGTH)


class TransferRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    team: str | None = pydantic.Field(default=None, min_length=1, max_length=64)
    agent_id: int | None = pydantic.Field(default=None, ge=1, le=2**31 - 1)
    note: str | None = pydantic.Field(default=None, max_length=MAX_TEXT_LENGTH)

    @pydantic.model_validator(mode="after")
    def _one_target(self) -> TransferRequest:
        if (self.team is None) == (self.agent_id is None):
            raise ValueError("give either team (a team name) or agent_id (an agent's id)")
        return self
