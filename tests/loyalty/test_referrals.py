"""Referral codes: given once per member and kept, never two members with one code, and the
link of loyalty.yml checked like every policy field."""

from __future__ import annotations

import itertools

from sqlmodel import select

from helpdesk.columns import stored_id
from helpdesk.loyalty.referrals import ALPHABET, LENGTH, new_code, referral_code_of, referral_link
from helpdesk.orders.models import LoyaltyAccount
from helpdesk.policies.loading import Policies, load_policies
from helpdesk.settings import PROJECT_ROOT


async def members(database, *emails: str) -> list[int]:
    async with database.session() as session:
        accounts = [LoyaltyAccount(email=email, country="ES") for email in emails]
        session.add_all(accounts)
        await session.commit()
        return [stored_id(account) for account in accounts]


def test_a_new_code_reads_unambiguously():
    code = new_code()
    assert len(code) == LENGTH and set(code) <= set(ALPHABET)
    assert not set("01OI") & set(ALPHABET)


async def test_a_member_keeps_the_code_first_given(database):
    [member] = await members(database, "a@example.com")
    async with database.session() as session:
        first = await referral_code_of(session, member)
    async with database.session() as session:
        assert await referral_code_of(session, member) == first
        stored = (await session.exec(select(LoyaltyAccount.referral_code))).one()
    assert stored == first


async def test_a_code_another_member_has_is_replaced_by_a_new_one(database):
    first, second = await members(database, "a@example.com", "b@example.com")
    made = itertools.chain(["SAMECODE", "SAMECODE"], itertools.repeat("OTHERONE"))
    async with database.session() as session:
        assert await referral_code_of(session, first, make=lambda: next(made)) == "SAMECODE"
    async with database.session() as session:
        assert await referral_code_of(session, second, make=lambda: next(made)) == "OTHERONE"


def test_the_link_carries_the_code():
    policies = load_policies(PROJECT_ROOT / "policies")
    assert isinstance(policies, Policies) and policies.loyalty.referral_link is not None
    template = policies.loyalty.referral_link
    assert referral_link(template, "K7PQ2MXA") == "https://atelier-nord.example/invite/K7PQ2MXA"


def test_a_link_without_a_place_for_the_code_is_refused_by_field(tmp_path):
    text = (PROJECT_ROOT / "policies" / "loyalty.yml").read_text(encoding="utf-8")
    for path in (PROJECT_ROOT / "policies").glob("*.yml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    broken = text.replace("/invite/{code}", "/invite")
    (tmp_path / "loyalty.yml").write_text(broken, encoding="utf-8")
    refused = load_policies(tmp_path)
    assert isinstance(refused, list)
    [error] = refused
    assert (error.file, error.path) == ("loyalty.yml", "referral_link")
    assert error.line > 0 and "{code}" in error.message
