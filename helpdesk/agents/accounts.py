"""Agent accounts: memory-hard password hashes, logins with throttling, and browser sessions.

Login throttling. Every attempt is first written down (a `login_failure` row: email, address,
time) and committed, and only then are the earlier attempts counted. Of any number of attempts
arriving at once, each one counts at least every attempt committed before it, so no more get
through than a rule allows, and an attempt that is refused never reaches scrypt (32 MiB and about
0.1 s each). A refused attempt checked nothing, so its row is deleted again: it is not a guess,
and retrying early does not make the wait longer. An attempt that is checked and fails keeps its
row (so does one whose request dies half-way); a successful login deletes the rows of its
(email, address) pair and remembers the pair as a known login (`known_login`). Attempts still
being checked count too, so in a burst more may be refused, and with a longer Retry-After, than
the failures alone would call for: that errs on the safe side, and only bursts see it.

Three rules, the longest wait of those that apply is the answer (429 with Retry-After):

* Per (email, address) pair: PAIR_FREE_FAILURES wrong passwords cost nothing; after that, each
  further one has to wait after the latest: PAIR_FIRST_WAIT, then twice that for every failure
  more (1, 2, 4 ... minutes), at most PAIR_MAX_WAIT. Failures are forgotten after PAIR_MEMORY
  or at the pair's next successful login. Nobody elsewhere can lock an agent out this way.
* Per email, over the addresses not known for it: EMAIL_FAILURES_ALLOWED failures within
  FAILURE_WINDOW, then attempts from unknown addresses wait (guessing from many addresses).
* Per address, over every email: ADDRESS_FAILURES_ALLOWED failures within FAILURE_WINDOW, then
  that address waits (password spraying), except for the emails it has logged in as before.

A known (email, address) pair is only subject to its own rule: an agent keeps logging in from
where she did before while strangers hammer her email. A wrong email and a wrong password look
the same: same answer, same scrypt cost, same throttling (unknown emails get rows too). "Now"
is always the `now` argument (the app's clock).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import math
import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.agents.models import Agent, AgentSession, KnownLogin, LoginFailure, Role
from helpdesk.chat.conversations import hash_token
from helpdesk.clock import aware
from helpdesk.columns import stored_id
from helpdesk.errors import BadRequest, HelpdeskError, Unauthorized

# scrypt with N=2^15, r=8: 32 MiB of memory per guess, about 0.1 s here; the parameters are
# stored with each hash so they can be raised later without locking anybody out.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SESSION_LIFETIME = timedelta(hours=12)  # one shift
# Per (email, address): five typos (caps lock, the old password, the other keyboard) are free;
# then one guess after 1, 2, 4 ... minutes, at most an hour (PAIR_MAX_WAIT) apart: about 33
# guesses a day for one address at one account.
PAIR_FREE_FAILURES = 5
PAIR_FIRST_WAIT = timedelta(minutes=1)
PAIR_MAX_WAIT = timedelta(hours=1)
PAIR_MEMORY = timedelta(hours=24)  # long enough for the doubling to matter; rows older are deleted
FAILURE_WINDOW = timedelta(minutes=15)
# Per email, from addresses never logged in from as that email: an agent on a new network makes a
# handful of mistakes, not thirty. Thirty (six addresses' free failures) in 15 minutes caps
# guessing from a botnet at about 2,900 a day per account; meanwhile the agent's known addresses
# still work, which is why this cap may be low.
EMAIL_FAILURES_ALLOWED = 30
# Per address, over every email: mostly against the cost of spraying (each guess is a scrypt),
# as the pair rule already limits guesses at any one account. An attempt counts while its
# password is being checked, so the cap must let a team behind one office NAT address log in at
# the same moment on its first day (a few dozen at once) plus its typos; 40 in 15 minutes still
# holds a sprayer to 160 hashes an hour per address. The address's known emails are not affected.
ADDRESS_FAILURES_ALLOWED = 40
MIN_PASSWORD_LENGTH = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class TooManyAttempts(HelpdeskError):
    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        minutes = max(math.ceil(retry_after / 60), 1)
        super().__init__(
            f"too many wrong passwords; try again in {minutes} minute{'s' if minutes > 1 else ''}"
        )
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


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
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * n * r * p, dklen=32
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# Compared against when the email is unknown, so that a wrong email costs as long as a wrong password.
_DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(b'0' * 16)}${_b64(b'0' * 32)}"


def check_new_agent(
    *, email: str, name: str, password: str, languages: list[str], role: str, capacity: int
) -> None:
    """Refuse an account that would not work, saying what to fix."""
    if not _EMAIL.match(email):
        raise BadRequest(f"{email!r} is not an email address")
    if not name.strip():
        raise BadRequest("the agent needs a name (shown to shoppers)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    bad = [code for code in languages if not _LANGUAGE.match(code)]
    if not languages or bad:
        raise BadRequest(
            f"languages must be ISO 639-1 codes like en,es; got {','.join(languages)!r}"
        )
    if role not in set(Role):
        raise BadRequest(f"role must be one of {', '.join(Role)}; got {role!r}")
    if not 1 <= capacity <= 50:
        raise BadRequest(f"capacity must be from 1 to 50 conversations; got {capacity}")


async def create_agent(
    session: AsyncSession,
    *,
    email: str,
    name: str,
    password: str,
    languages: list[str],
    role: str = Role.AGENT,
    team: str = "eu",
    capacity: int = 3,
) -> Agent:
    email = email.strip().lower()
    languages = [code.strip().lower() for code in languages if code.strip()]
    check_new_agent(
        email=email, name=name, password=password, languages=languages, role=role, capacity=capacity
    )
    if await find_agent(session, email):
        raise BadRequest(f"there is already an agent {email}")
    password_hash = await asyncio.to_thread(hash_password, password)
    agent = Agent(
        email=email,
        name=name.strip(),
        password_hash=password_hash,
        role=role,
        languages=",".join(languages),
        team=team,
        capacity=capacity,
    )
    session.add(agent)
    await session.commit()
    return agent


async def find_agent(session: AsyncSession, email: str) -> Agent | None:
    query = select(Agent).where(Agent.email == email.strip().lower())
    return (await session.exec(query)).first()


async def list_agents(session: AsyncSession) -> list[Agent]:
    return list(await session.exec(select(Agent).order_by(col(Agent.email))))


async def log_in(
    session: AsyncSession, *, email: str, password: str, address: str, now: datetime
) -> tuple[Agent, str, str]:
    """(agent, session token for the cookie, CSRF token), or Unauthorized / TooManyAttempts."""
    email = email.strip().lower()
    attempt_id = await _record_attempt(session, email=email, address=address, now=now)
    try:
        await _refuse_when_throttled(session, attempt_id, email=email, address=address, now=now)
    except TooManyAttempts:
        # Nothing was checked: not a guess, so it does not count (nor lengthen the wait).
        await session.exec(delete(LoginFailure).where(col(LoginFailure.id) == attempt_id))
        await session.commit()
        raise
    agent = await find_agent(session, email)
    await session.commit()  # ends the read: no snapshot or pooled connection held while hashing
    matches = await asyncio.to_thread(
        password_matches, password, agent.password_hash if agent else _DUMMY_HASH
    )
    if agent is None or not matches or not agent.active:
        raise Unauthorized("wrong email or password")  # the attempt's row stays: a failure
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    await session.exec(
        delete(LoginFailure).where(
            col(LoginFailure.email) == email, col(LoginFailure.address) == address
        )
    )
    await _remember_known_login(session, email=email, address=address, now=now)
    session.add(
        AgentSession(
            token_hash=hash_token(token),
            agent_id=stored_id(agent),
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    await session.commit()
    return agent, token, csrf


async def _record_attempt(session: AsyncSession, *, email: str, address: str, now: datetime) -> int:
    """Write the attempt down (and forget ones older than any rule looks), committed before
    anything is counted; its id."""
    await session.exec(delete(LoginFailure).where(col(LoginFailure.at) < now - PAIR_MEMORY))
    attempt = LoginFailure(email=email, address=address, at=now)
    session.add(attempt)
    await session.commit()
    assert attempt.id is not None
    return attempt.id


def pair_wait(failures: int) -> timedelta:
    """How long an (email, address) pair waits after its latest of `failures` wrong passwords."""
    if failures < PAIR_FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - PAIR_FREE_FAILURES, 30)  # 2**30 minutes is far beyond any cap
    return min(PAIR_FIRST_WAIT * 2**doublings, PAIR_MAX_WAIT)


async def _refuse_when_throttled(
    session: AsyncSession, attempt_id: int, *, email: str, address: str, now: datetime
) -> None:
    """TooManyAttempts when a rule of the module docstring holds. Counts every other attempt
    recorded so far, including those of requests still under way."""
    others = col(LoginFailure.id) != attempt_id
    pair = (col(LoginFailure.email) == email, col(LoginFailure.address) == address)
    count, latest = (
        await session.exec(
            select(func.count(), func.max(LoginFailure.at)).where(
                *pair, others, col(LoginFailure.at) > now - PAIR_MEMORY
            )
        )
    ).one()
    waits = [aware(latest) + pair_wait(count) - now] if count >= PAIR_FREE_FAILURES else []
    known = (
        await session.exec(
            select(KnownLogin.id).where(
                col(KnownLogin.email) == email, col(KnownLogin.address) == address
            )
        )
    ).first()
    if known is None:
        known_addresses = select(KnownLogin.address).where(col(KnownLogin.email) == email)
        waits.append(
            await _window_wait(
                session,
                EMAIL_FAILURES_ALLOWED,
                now,
                others,
                col(LoginFailure.email) == email,
                col(LoginFailure.address).not_in(known_addresses),
            )
        )
        waits.append(
            await _window_wait(
                session, ADDRESS_FAILURES_ALLOWED, now, others, col(LoginFailure.address) == address
            )
        )
    wait = max(waits, default=timedelta(0))
    if wait > timedelta(0):
        raise TooManyAttempts(max(math.ceil(wait.total_seconds()), 1))


async def _window_wait(session: AsyncSession, allowed: int, now: datetime, *where) -> timedelta:
    """How long until fewer than `allowed` of the attempts matching `where` are within
    FAILURE_WINDOW: until the allowed-th newest leaves it (nothing when there are fewer)."""
    query = (
        select(LoginFailure.at)
        .where(col(LoginFailure.at) > now - FAILURE_WINDOW, *where)
        .order_by(col(LoginFailure.at).desc())
        .offset(allowed - 1)
        .limit(1)
    )
    at = (await session.exec(query)).first()
    return aware(at) + FAILURE_WINDOW - now if at is not None else timedelta(0)


async def _remember_known_login(
    session: AsyncSession, *, email: str, address: str, now: datetime
) -> None:
    """Insert or refresh the (email, address) pair, safe against a simultaneous login (the
    database is SQLite or PostgreSQL, helpdesk.database)."""
    dialect = (await session.connection()).dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    await session.exec(
        insert(KnownLogin)
        .values(email=email, address=address, last_at=now)
        .on_conflict_do_update(index_elements=["email", "address"], set_={"last_at": now})
    )


async def session_agent(
    session: AsyncSession, token: str | None, *, now: datetime
) -> tuple[Agent, AgentSession]:
    """The agent a session cookie belongs to; Unauthorized when missing, unknown or expired."""
    if not token:
        raise Unauthorized("not logged in: POST /api/agent/login first")
    # One query for both (every agent request asks): the session and its agent.
    row = (
        await session.exec(
            select(AgentSession, Agent)
            .join(Agent, col(Agent.id) == col(AgentSession.agent_id), isouter=True)
            .where(col(AgentSession.token_hash) == hash_token(token))
        )
    ).first()
    if row is None or aware(row[0].expires_at) <= now:
        raise Unauthorized("your session has expired: log in again")
    found, agent = row
    if agent is None or not agent.active:
        raise Unauthorized("this account is disabled")
    return agent, found


async def log_out(session: AsyncSession, token: str) -> None:
    await session.exec(
        delete(AgentSession).where(col(AgentSession.token_hash) == hash_token(token))
    )
    await session.commit()


DEMO_AGENT = "ana@atelier-nord.example"
DEMO_PASSWORD_FILE = "demo-agent-password.txt"  # under var/


async def ensure_demo_agent(session: AsyncSession, password_file: Path) -> str | None:
    """The example shop's agent (an admin, so every team's queue shows), with a random password
    kept in `password_file`; None when the shop already has agents of its own."""
    if await list_agents(session):
        return password_file.read_text().strip() if password_file.exists() else None
    password = secrets.token_urlsafe(12)
    await create_agent(
        session,
        email=DEMO_AGENT,
        name="Ana",
        password=password,
        languages=["en", "es"],
        role=Role.ADMIN,
        team="eu",
        capacity=5,
    )
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.touch(mode=0o600)
    password_file.write_text(password + "\n")
    return password
