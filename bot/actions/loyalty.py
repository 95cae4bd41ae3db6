"""The loyalty programme (how it works, per market) and a verified customer's own points."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlmodel import select

from bot.actions.base import CountryPolicyAnswer, order_and_policies
from bot.actions.context import ANSWERED, done
from bot.actions.services import services
from helpdesk.columns import stored_id
from helpdesk.loyalty.referrals import referral_code_of, referral_link
from helpdesk.orders.models import LoyaltyAccount
from helpdesk.orders.verification import identified_customer
from helpdesk.policies.loading import Policies
from helpdesk.policies.loyalty import (
    loyalty_rules,
    points_expire_on,
    redemption_option,
    referral_bonus,
    tier_status,
)
from helpdesk.policies.loyalty_schema import Tier, tier_title


def programme_facts(policies: Policies, country: str) -> dict:
    rules = loyalty_rules(policies.loyalty, country)
    referral = referral_bonus(policies.loyalty, country)
    tiers = policies.loyalty.tiers
    return {
        "country": country,
        "points_per_unit": rules.points_per_unit,
        "unit": f"1 {rules.currency}",
        "step_points": rules.redemption.step_points,
        "step_value": f"{rules.redemption.step_value} {rules.currency}",
        "minimum_points": rules.redemption.minimum_points,
        "tiers": [
            {lang: f"{title} ({t.from_points})" for lang, title in tier_title(t).items()}
            for t in tiers
        ],
        "referrer_points": referral.referrer_points,
        "friend_points": referral.friend_points,
        "expiry_months": policies.loyalty.expiry_months,
    }


def _tier(policies: Policies, name: str) -> Tier:
    return next(tier for tier in policies.loyalty.tiers if tier.name == name)


def balance_facts(policies: Policies, account: LoyaltyAccount) -> dict:
    status = tier_status(policies.loyalty, account.points_last_12_months)
    redeem = redemption_option(policies.loyalty, account.country, account.balance)
    facts = {
        "balance": account.balance,
        "tier": tier_title(_tier(policies, status.tier)),
        "next_key": "loyalty_next_tier" if status.next_tier else "loyalty_top_tier",
        "next_tier": tier_title(_tier(policies, status.next_tier)) if status.next_tier else "",
        "points_to_next": status.points_to_next or 0,
        "redeem_key": "loyalty_can_redeem" if redeem.points else "loyalty_cannot_redeem_yet",
        "redeem_points": redeem.points,
        "discount": f"{redeem.discount} {redeem.currency}",
        "points_short": redeem.points_short,
    }
    # When the points expire, said only where there are points to lose.
    facts["expiry_keys"] = []
    if account.last_activity and account.balance > 0:
        facts["expires_on"] = points_expire_on(policies.loyalty, account.last_activity).isoformat()
        facts["expiry_keys"] = ["loyalty_expires"]
    return facts


class ActionLoyaltyProgram(CountryPolicyAnswer):
    """How the programme works; a signed-in customer also hears their own points, since "can I
    use my points on my next order?" is as much about their balance as about the rules."""

    topic, response = "loyalty_program", "utter_loyalty_program_answer"

    def facts(self, policies: Policies, country: str) -> dict:
        return programme_facts(policies, country)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        events = await super().run(dispatcher, tracker, domain)
        answered = any(event.get("name") == ANSWERED for event in events)
        if answered and (account := await _signed_in_account(tracker.sender_id)):
            policies = services().policies.policies
            dispatcher.utter_message(
                response="utter_loyalty_balance_answer", **balance_facts(policies, account)
            )
        return events


async def _signed_in_account(conversation_id: str) -> LoyaltyAccount | None:
    async with services().database.session() as session:
        customer = await identified_customer(session, conversation_id)
        if customer is None:
            return None
        query = select(LoyaltyAccount).where(LoyaltyAccount.email == customer)
        return (await session.exec(query)).first()


class ActionLoyaltyBalance(Action):
    """Points are personal: shown after the same proof as an order (or a signed identity)."""

    def name(self) -> str:
        return "action_loyalty_balance"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        view, policies, events = await order_and_policies(dispatcher, tracker, "loyalty_balance")
        if view is None or policies is None:
            return events
        async with services().database.session() as session:
            account = (
                await session.exec(
                    select(LoyaltyAccount).where(LoyaltyAccount.email == view.order.email)
                )
            ).first()
        if account is None:
            dispatcher.utter_message(response="utter_loyalty_no_account")
        else:
            dispatcher.utter_message(
                response="utter_loyalty_balance_answer", **balance_facts(policies, account)
            )
            await say_referral_code(dispatcher, policies, account)
        return [*events, *done()]


async def say_referral_code(
    dispatcher: CollectingDispatcher, policies: Policies, account: LoyaltyAccount
) -> None:
    """The member's own code and link, and what the friend and they get (none where
    loyalty.yml has no referral_link)."""
    template = policies.loyalty.referral_link
    if template is None:
        return
    async with services().database.session() as session:
        code = await referral_code_of(session, stored_id(account))
    bonus = referral_bonus(policies.loyalty, account.country)
    dispatcher.utter_message(
        response="utter_referral_code",
        code=code,
        link=referral_link(template, code),
        friend_points=bonus.friend_points,
        referrer_points=bonus.referrer_points,
    )
