"""Redeeming points in the chat: what the balance buys, a yes to one reward, then its code.

Points are spent only on the yes the bot asked for ("Exchange 500 points for a 25,00 € code?"),
by helpdesk/loyalty/redemption.py's atomic redeem(): a misread message never spends anything."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlmodel import select

from bot.actions.base import order_and_policies
from bot.actions.context import done, last_bot_words
from bot.actions.services import services
from helpdesk.loyalty.accounts import NotEnoughPoints, RewardNotOffered, RewardSoldOut
from helpdesk.loyalty.outlook import LoyaltyOutlook, outlook
from helpdesk.loyalty.redemption import redeem
from helpdesk.orders.models import LoyaltyAccount
from helpdesk.orders.verification import normalise_email
from helpdesk.policies.loading import Policies
from helpdesk.policies.loyalty_schema import Reward

TOPIC = "redeem_points"
REDEEM_OFFERED = "redeem_offered"  # the reward the bot last asked "Exchange N points?" about
CONFIRM_PAYLOAD = "/redeem_points"  # the yes button of utter_redeem_offer (locales/)
OFFER = "utter_redeem_offer"
DENY = "deny"


def money(amount: Any, currency: str) -> str:
    """A value for {x:money}: "25.00 EUR"."""
    return f"{amount} {currency}"


def reward_to_offer(seen: LoyaltyOutlook) -> Reward | None:
    """The dearest reward the balance buys: the one a shopper asking to use their points most
    likely means; the others are listed beside it."""
    return seen.rewards.affordable[-1] if seen.rewards.affordable else None


def offer_facts(seen: LoyaltyOutlook, reward: Reward) -> dict[str, Any]:
    currency = seen.rewards.currency
    return {
        "balance": seen.balance,
        "reward_keys": [
            {
                "key": "redeem_reward_item",
                "vars": {"discount": money(r.discount, currency), "points": r.points},
            }
            for r in seen.rewards.affordable
        ],
        "points": reward.points,
        "discount": money(reward.discount, currency),
    }


def short_facts(seen: LoyaltyOutlook) -> dict[str, Any]:
    """Not enough for any reward: the cheapest one and the points still missing for it."""
    cheapest = seen.rewards.next_reward
    assert cheapest is not None  # nothing affordable and something offered
    return {
        "balance": seen.balance,
        "points": cheapest.points,
        "discount": money(cheapest.discount, seen.rewards.currency),
        "points_short": seen.rewards.points_short or 0,
    }


class ActionRedeemPoints(Action):
    """Verified shoppers only (as their balance): asks first, spends on the yes to that ask."""

    def name(self) -> str:
        return "action_redeem_points"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if tracker.latest_message.get("intent", {}).get("name") == DENY:
            return declined(dispatcher, tracker)
        view, policies, events = await order_and_policies(dispatcher, tracker, TOPIC)
        if view is None or policies is None:
            return events
        account = await _account(view.order.email)
        if account is None:
            dispatcher.utter_message(response="utter_loyalty_no_account")
            return [*events, *done()]
        seen = outlook(policies.loyalty, account)
        reward = reward_to_offer(seen)
        if reward is None:
            if seen.rewards.next_reward is None:  # the shopper's market offers no reward
                dispatcher.utter_message(response="utter_redeem_not_offered")
            else:
                dispatcher.utter_message(response="utter_redeem_not_enough", **short_facts(seen))
            return [*events, SlotSet(REDEEM_OFFERED, None), *done()]
        if not confirmed(tracker, reward):
            dispatcher.utter_message(response=OFFER, **offer_facts(seen, reward))
            return [*events, SlotSet(REDEEM_OFFERED, reward.name), *done()]
        return [*events, *await _spend(dispatcher, tracker, policies, account, seen)]


def confirmed(tracker: Tracker, reward: Reward) -> bool:
    """The offer's own yes (its button, or a yes in words the helpdesk maps to it), right after
    the offer, about the reward the balance still buys: words the NLU reads as redeeming
    ("use my points") ask again instead."""
    text = tracker.latest_message.get("text") or ""
    return (
        text.startswith(CONFIRM_PAYLOAD)
        and last_bot_words(tracker) == OFFER
        and tracker.get_slot(REDEEM_OFFERED) == reward.name
    )


def declined(dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
    """A no: after the offer, the points stay; after anything else, nothing to say no to."""
    if last_bot_words(tracker) == OFFER and tracker.get_slot(REDEEM_OFFERED):
        dispatcher.utter_message(response="utter_redeem_declined")
    else:
        dispatcher.utter_message(response="utter_how_can_i_help")
    return [SlotSet(REDEEM_OFFERED, None), *done()]


async def _account(email: str) -> LoyaltyAccount | None:
    async with services().database.session() as session:
        query = select(LoyaltyAccount).where(LoyaltyAccount.email == normalise_email(email))
        return (await session.exec(query)).first()


async def _spend(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    policies: Policies,
    account: LoyaltyAccount,
    seen: LoyaltyOutlook,
) -> list:
    reward = reward_to_offer(seen)
    assert reward is not None
    shop = services()
    forget = [SlotSet(REDEEM_OFFERED, None), *done()]
    try:
        async with shop.database.session() as session:
            spent = await redeem(
                session,
                loyalty=policies.loyalty,
                email=account.email,
                reward=reward.name,
                now=shop.now(),
                conversation_id=tracker.sender_id,
            )
    except NotEnoughPoints:  # spent meanwhile (another tab, another yes)
        fresh = await _account(account.email) or account
        dispatcher.utter_message(
            response="utter_redeem_not_enough", **_short_of(fresh.balance, reward, seen)
        )
        return forget
    except RewardSoldOut:
        dispatcher.utter_message(
            response="utter_redeem_sold_out",
            discount=money(reward.discount, seen.rewards.currency),
        )
        return forget
    except RewardNotOffered:
        dispatcher.utter_message(response="utter_redeem_not_offered")
        return forget
    dispatcher.utter_message(
        response="utter_redeem_done",
        code=spent.code,
        discount=money(reward.discount, seen.rewards.currency),
        points=spent.points,
        balance=spent.balance,
    )
    return forget


def _short_of(balance: int, reward: Reward, seen: LoyaltyOutlook) -> dict[str, Any]:
    return {
        "balance": balance,
        "points": reward.points,
        "discount": money(reward.discount, seen.rewards.currency),
        "points_short": max(reward.points - balance, 0),
    }
