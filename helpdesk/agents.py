"""Agent accounts: memory-hard password hashes, logins with throttling, and browser sessions."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agent_models import Agent, AgentSession, LoginFailure, Role
from helpdesk.conversations import hash_token
from helpdesk.errors import BadRequest, HelpdeskError, Unauthorized
from helpdesk.models import aware, utcnow

# scrypt with N=2^15, r=8: 32 MiB of memory per guess, about 0.1 s here; the parameters are
# stored with each hash so they can be raised later without locking anybody out.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SESSION_LIFETIME = timedelta(hours=12)  # one shift
FAILURES_ALLOWED = 5
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class TooManyAttempts(HelpdeskError):
    status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many wrong passwords; try again in {retry_after // 60 + 1} minutes")
        self.retry_after = retry_after


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(actual, base64.b64decode(digest))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * n * r * p,
                          dklen=32)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# Compared against when the email is unknown, so that a wrong email costs as long as a wrong password.
_DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(b'0' * 16)}${_b64(b'0' * 32)}"


def check_new_agent(*, email: str, name: str, password: str, languages: list[str], role: str,
                    capacity: int) -> None:
    """Refuse an account that would not work, saying what to fix."""
    if not _EMAIL.match(email):
        raise BadRequest(f"{email!r} is not an email address")
    if not name.strip():
        raise BadRequest("the agent needs a name (shown to shoppers)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    bad = [code for code in languages if not _LANGUAGE.match(code)]
    if not languages or bad:
        raise BadRequest(f"languages must be ISO 639-1 codes like en,es; got {','.join(languages)!r}")
    if role not in set(Role):
        raise BadRequest(f"role must be one of {', '.join(Role)}; got {role!r}")
    if not 1 <= capacity <= 50:
        raise BadRequest(f"capacity must be from 1 to 50 conversations; got {capacity}")


async def create_agent(session: AsyncSession, *, email: str, name: str, password: str,
                       languages: list[str], role: str = Role.AGENT, team: str = "eu",
                       capacity: int = 3) -> Agent:
    email = email.strip().lower()
    languages = [code.strip().lower() for code in languages if code.strip()]
    check_new_agent(email=email, name=name, password=password, languages=languages, role=role,
                    capacity=capacity)
    if await find_agent(session, email):
        raise BadRequest(f"there is already an agent {email}")
    password_hash = await asyncio.to_thread(hash_password, password)
    agent = Agent(email=email, name=name.strip(), password_hash=password_hash, role=role,
                  languages=",".join(languages), team=team, capacity=capacity)
    session.add(agent)
    await session.commit()
    return agent


async def find_agent(session: AsyncSession, email: str) -> Agent | None:
    query = select(Agent).where(Agent.email == email.strip().lower())
    return (await session.exec(query)).first()


async def list_agents(session: AsyncSession) -> list[Agent]:
    return list(await session.exec(select(Agent).order_by(col(Agent.email))))


async def log_in(session: AsyncSession, *, email: str, password: str, address: str,
                 now: datetime) -> tuple[Agent, str, str]:
    """(agent, session token for the cookie, CSRF token), or Unauthorized / TooManyAttempts."""
    email = email.strip().lower()
    await _refuse_when_throttled(session, email=email, address=address, now=now)
    agent = await find_agent(session, email)
    matches = await asyncio.to_thread(password_matches, password,
                                      agent.password_hash if agent else _DUMMY_HASH)
    if agent is None or not matches or not agent.active:
        session.add(LoginFailure(email=email, address=address, at=now))
        await session.commit()
        raise Unauthorized("wrong email or password")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(AgentSession(token_hash=hash_token(token), agent_id=agent.id, csrf_token=csrf,
                             created_at=now, expires_at=now + SESSION_LIFETIME))
    await session.exec(delete(LoginFailure).where(col(LoginFailure.email) == email))
    await session.commit()
    return agent, token, csrf


async def _refuse_when_throttled(session: AsyncSession, *, email: str, address: str,
                                 now: datetime) -> None:
    since = now - FAILURE_WINDOW
    query = (select(func.count(), func.min(LoginFailure.at))
             .where(col(LoginFailure.at) > since,
                    or_(col(LoginFailure.email) == email, col(LoginFailure.address) == address)))
    count, oldest = (await session.exec(query)).one()
    if count >= FAILURES_ALLOWED:
        retry_after = int((aware(oldest) + FAILURE_WINDOW - now).total_seconds()) + 1
        raise TooManyAttempts(max(retry_after, 1))


async def session_agent(session: AsyncSession, token: str | None, *,
                        now: datetime) -> tuple[Agent, AgentSession]:
    """The agent a session cookie belongs to; Unauthorized when missing, unknown or expired."""
    if not token:
        raise Unauthorized("not logged in: POST /api/agent/login first")
    found = await session.get(AgentSession, hash_token(token))
    if found is None or aware(found.expires_at) <= now:
        raise Unauthorized("your session has expired: log in again")
    agent = await session.get(Agent, found.agent_id)
    if agent is None or not agent.active:
        raise Unauthorized("this account is disabled")
    return agent, found


async def log_out(session: AsyncSession, token: str) -> None:
    await session.exec(delete(AgentSession).where(
        col(AgentSession.token_hash) == hash_token(token)))
    await session.commit()




DEMO_AGENT = "ana@atelier-nord.example"
DEMO_PASSWORD_FILE = "demo-agent-password.txt"  # under var/


async def ensure_demo_agent(session: AsyncSession, password_file: Path) -> str | None:
    """The example shop's agent (an admin, so every team's queue shows), with a random password
    kept in `password_file`; None when the shop already has agents of its own."""
    if await list_agents(session):
        return password_file.read_text().strip() if password_file.exists() else None
    password = secrets.token_urlsafe(12)
    await create_agent(session, email=DEMO_AGENT, name="Ana", password=password,
                       languages=["en", "es"], role=Role.ADMIN, team="eu", capacity=5)
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.touch(mode=0o600)
    password_file.write_text(password + "\n")
    return password
