"""What an action knows of the shopper (country, open question) and of the shop's policies."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.services import services
from helpdesk.languages.countries import country_code
from helpdesk.orders.lookup import latest_order_of
from helpdesk.orders.numbers import order_number_in
from helpdesk.orders.verification import identified_customer, visible_order
from helpdesk.policies.loading import Policies
from helpdesk.policies.store import PoliciesUnavailable

TOPIC = "topic"
ANSWERED = "answered"  # the policy topic last answered for a country


def shopper_country(tracker: Tracker) -> str | None:
    """The country the shopper named (any language, any spelling), as an ISO code."""
    return country_code(tracker.get_slot("country"))


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The entity in the message being answered (a correction beats what a slot remembers)."""
    return next(tracker.get_latest_entity_values(entity), None)


# The questions an order topic waits on, and the topics that wait on them.
ORDER_QUESTIONS = {"utter_ask_order_number", "utter_ask_verification", "utter_verification_failed"}
ORDER_TOPICS = {
    "order_status",
    "cancel_order",
    "change_order",
    "start_return",
    "refund_status",
    "loyalty_balance",
    "redeem_points",
}


def last_bot_words(tracker: Tracker) -> str | None:
    """The response name of what the bot said last before the message being answered."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None  # the shopper spoke twice in a row: nothing was asked in between
            seen_user = True
        elif event.get("event") == "bot" and seen_user:
            return (event.get("metadata") or {}).get("utter_action")
    return None


PROOF_ENTITIES = ("order_number", "email", "postal_code")


def thread_waiting_for_proof(tracker: Tracker) -> str | None:
    """The order topic whose order number or proof the bot asked for just before, when the
    shopper's message gives neither (it asks something else); None otherwise."""
    pending = tracker.get_slot(TOPIC)
    if pending not in ORDER_TOPICS or last_bot_words(tracker) not in ORDER_QUESTIONS:
        return None
    given = {entity.get("entity") for entity in tracker.latest_message.get("entities") or []}
    return None if given.intersection(PROOF_ENTITIES) else pending


def reask_open_order_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str
) -> bool:
    """After answering a side question (`topic`) asked while an order question was open: ask
    that question again, so that the shopper's next words answer it. True when asked."""
    pending = tracker.get_slot(TOPIC)
    if pending == topic or pending not in ORDER_TOPICS:
        return False
    if last_bot_words(tracker) not in ORDER_QUESTIONS:
        return False  # asked long ago: the shopper has moved on
    if number := tracker.get_slot("order_number"):
        dispatcher.utter_message(response="utter_ask_verification", order_number=number)
    else:
        dispatcher.utter_message(response="utter_ask_order_number")
    return True


def reask_open_country_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str
) -> bool:
    """After answering a side question (`topic`) asked while "Which country are you in?" was
    open for another topic ("e vcs mandam pra angola?" when asked it for the points
    programme): ask it again, so that the shopper's next words answer it. True when asked."""
    pending = tracker.get_slot(TOPIC)
    if pending in (None, topic) or pending in ORDER_TOPICS:
        return False
    if last_bot_words(tracker) != "utter_ask_country":
        return False  # asked long ago: the shopper has moved on
    dispatcher.utter_message(response="utter_ask_country", topic_key=f"intent_{pending}")
    return True


def ask(topic: str) -> list:
    """Events for "the bot asked something about `topic`": a bare answer resumes it."""
    return [SlotSet(TOPIC, topic)]


def done() -> list:
    return [SlotSet(TOPIC, None)]


def policies_or_apologise(dispatcher: CollectingDispatcher) -> Policies | None:
    """The current policies; when none is valid, the shopper is told and offered a person."""
    try:
        return services().policies.policies
    except PoliciesUnavailable:
        dispatcher.utter_message(response="utter_policies_unavailable")
        return None


async def country_or_ask(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str
) -> tuple[str | None, list]:
    """The shopper's country (named in the chat, else where the order the chat is about goes,
    once verified, else the signed-in customer's, from their latest order), or (None, events)
    after asking for it."""
    country = shopper_country(tracker) or await _country_of_orders(tracker)
    if country is None:
        dispatcher.utter_message(response="utter_ask_country", topic_key=f"intent_{topic}")
        return None, ask(topic)
    return country, []


async def _country_of_orders(tracker: Tracker) -> str | None:
    """ "Do I pay the return postage?" after the bot answered about order 10015: the rules of
    the country that order goes to, which the shopper has proved is theirs."""
    number = order_number_in(tracker.get_slot("order_number"))
    async with services().database.session() as session:
        order = await visible_order(session, tracker.sender_id, number) if number else None
        if order is None:
            customer = await identified_customer(session, tracker.sender_id)
            order = await latest_order_of(session, customer) if customer else None
    return country_code(order.country) if order and order.country else None
