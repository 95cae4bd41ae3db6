"""The code pools: reading a merchant's CSV of discount codes (every problem with its line),
adding the new ones to a reward's pool, and counting what is left."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.errors import BadRequest
from helpdesk.loyalty.models import LoyaltyCode
from helpdesk.policies.loyalty_schema import LoyaltyPolicy

# What shop platforms accept as a code (Shopify, WooCommerce): letters, digits, - and _.
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,63}")
HEADERS = {"code", "codes", "discount_code", "discount code", "coupon", "coupon_code"}
CHUNK = 500  # rows per INSERT: SQLite allows 32,766 bound values, PostgreSQL 32,767


class CodeFileError(BadRequest):
    code = "bad_code_file"


class UnknownReward(BadRequest):
    code = "unknown_reward"


@dataclass(frozen=True)
class CodeFile:
    codes: tuple[str, ...]  # each once, in the file's order
    repeated: int  # rows that repeat a code already read above them
    blank: int


@dataclass(frozen=True)
class Imported:
    reward: str
    added: int
    already_imported: int  # in a pool already (this reward's or another's)
    repeated: int
    blank: int

    def __str__(self) -> str:
        skipped = [
            f"{self.already_imported} already imported" if self.already_imported else "",
            f"{self.repeated} repeated in the file" if self.repeated else "",
            f"{self.blank} blank lines" if self.blank else "",
        ]
        said = "; skipped: " + ", ".join(s for s in skipped if s) if any(skipped) else ""
        return f"{self.reward}: {self.added} codes added{said}"


def check_reward(policy: LoyaltyPolicy, reward: str) -> None:
    known = [r.name for r in policy.rewards]
    if reward not in known:
        listed = ", ".join(known) or "none: add rewards to loyalty.yml first"
        raise UnknownReward(f"no reward {reward!r} in loyalty.yml; its rewards: {listed}")


def read_code_file(raw: bytes, name: str) -> CodeFile:
    """The codes of a CSV, one per row, with or without a header; the first bad row refuses
    the whole file, so that a half-read export never fills a pool."""
    try:
        text = raw.decode("utf-8-sig")  # spreadsheet exports start with a byte-order mark
    except UnicodeDecodeError:
        raise CodeFileError(f"{name} is not UTF-8 text; save it as CSV (UTF-8)") from None
    if "\x00" in text:
        raise CodeFileError(f"{name} contains NUL characters: it is not a CSV file")
    codes: dict[str, None] = {}
    repeated = blank = 0
    for line, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        cells = [cell.strip() for cell in row]
        filled = [cell for cell in cells if cell]
        if not filled:
            blank += 1
            continue
        if len(filled) > 1:
            raise CodeFileError(
                f"{name} line {line}: {len(filled)} values; put one code on each line"
            )
        if line == 1 and filled[0].lower() in HEADERS:
            continue
        if not CODE.fullmatch(filled[0]):
            raise CodeFileError(
                f"{name} line {line}: {filled[0][:70]!r} is not a discount code "
                "(3 to 64 letters, digits, - and _)"
            )
        if filled[0] in codes:
            repeated += 1
        codes[filled[0]] = None
    if not codes:
        raise CodeFileError(f"{name} has no codes")
    return CodeFile(tuple(codes), repeated, blank)


async def add_codes(
    session: AsyncSession, reward: str, read: CodeFile, *, now: datetime
) -> Imported:
    """Add the codes no pool has yet, in the caller's transaction (the caller commits). A code
    already imported is skipped by the database itself, so two imports at once add it once."""
    dialect = (await session.connection()).dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    added = 0
    for start in range(0, len(read.codes), CHUNK):
        rows = [
            {"reward": reward, "code": code, "imported_at": now}
            for code in read.codes[start : start + CHUNK]
        ]
        statement = insert(LoyaltyCode).values(rows).on_conflict_do_nothing(index_elements=["code"])
        added += (await session.exec(statement)).rowcount
    return Imported(reward, added, len(read.codes) - added, read.repeated, read.blank)


@dataclass(frozen=True)
class PoolCount:
    reward: str
    free: int
    given: int


async def count_codes(session: AsyncSession, policy: LoyaltyPolicy) -> list[PoolCount]:
    """Free and given-out codes per reward of loyalty.yml, then pools of rewards it lost."""
    free = func.count().filter(col(LoyaltyCode.account_id).is_(None))
    given = func.count().filter(col(LoyaltyCode.account_id).is_not(None))
    query = select(LoyaltyCode.reward, free, given).group_by(col(LoyaltyCode.reward))
    counted = {reward: (f, g) for reward, f, g in await session.exec(query)}
    names = [r.name for r in policy.rewards] + sorted(
        set(counted) - {r.name for r in policy.rewards}
    )
    return [PoolCount(name, *counted.get(name, (0, 0))) for name in names]
