"""Which order the shopper means, and whether this conversation may see it (asking if not).

Every order-based flow (status, cancel, change, return, refund, points) starts here: it names
its topic, so that the shopper's bare answers ("10045", "ana@example.com") come back to it.
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.context import ask, done, latest_entity, thread_waiting_for_proof
from bot.actions.services import services
from helpdesk.chat.models import Conversation
from helpdesk.orders.lookup import OrderView, latest_order_of, order_view
from helpdesk.orders.numbers import order_number_in
from helpdesk.orders.verification import (
    Proof,
    VerificationLocked,
    identified_customer,
    verify_order,
    visible_order,
)

POSTAL_CODE_ALONE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{2,9}$")
FORGET_PROOF = [SlotSet("email", None), SlotSet("postal_code", None)]


def requested_order_number(tracker: Tracker, topic: str) -> str | None:
    """A number the shopper just gave (a correction wins), else the one remembered.

    Right after the bot asked for the order number, a bare "10010" is the answer even when the
    NLU tagged it as something else (its digits may look like a postal code).
    """
    given = order_number_in(latest_entity(tracker, "order_number"))
    remembered = order_number_in(tracker.get_slot("order_number"))
    if given is None and remembered is None and tracker.get_slot("topic") == topic:
        given = order_number_in(tracker.latest_message.get("text"))
    return given or remembered


def proof_in(tracker: Tracker, number: str, topic: str) -> Proof | None:
    """The email or postal code the shopper gave for `number`, if any.

    A bare code answering "your email or postal code?" may come back tagged as anything, so a
    short text with a digit that is not the order number counts as a postal code.
    """
    email = latest_entity(tracker, "email") or tracker.get_slot("email")
    if email:
        return Proof(number, email=email)
    postal = latest_entity(tracker, "postal_code") or tracker.get_slot("postal_code")
    if postal and order_number_in(postal) == number:
        postal = None  # the order number itself, tagged as a ZIP code: not a proof
    text = (tracker.latest_message.get("text") or "").strip()
    if (
        not postal
        and tracker.get_slot("topic") == topic
        and POSTAL_CODE_ALONE.match(text)
        and any(c.isdigit() for c in text)
        and order_number_in(text) != number
    ):
        postal = text
    return Proof(number, postal_code=postal) if postal else None


def thread_kept(tracker: Tracker, topic: str) -> str:
    """The thread the bot asked for an order or its proof in, when the shopper's answer reads as
    the order in general and gives nothing: "wo find ich die bestellnummer nochmal?", "订单号在
    哪里看啊？" after the order number was asked for a refund. The question again answers it
    (it says where the number is), and the number given next serves the refund, not the
    order's status."""
    if topic != "order_status":
        return topic
    return thread_waiting_for_proof(tracker) or topic


async def verified_order(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str
) -> tuple[OrderView | None, list]:
    """(the order, events) when the conversation may see it; else (None, events) after asking
    for what is missing or saying why not."""
    topic = thread_kept(tracker, topic)
    shop = services()
    number = requested_order_number(tracker, topic)
    async with shop.database.session() as session:
        if number is None:
            customer = await identified_customer(session, tracker.sender_id)
            order = await latest_order_of(session, customer) if customer else None
            if order is None:
                dispatcher.utter_message(response="utter_ask_order_number")
                return None, ask(topic)
            number = order.number
        order = await visible_order(session, tracker.sender_id, number)
        if order is None:
            proof = proof_in(tracker, number, topic)
            if proof is None:
                dispatcher.utter_message(response="utter_ask_verification", order_number=number)
                return None, [SlotSet("order_number", number), *ask(topic)]
            conversation = await session.get(Conversation, tracker.sender_id)
            try:
                order = await verify_order(
                    session,
                    tracker.sender_id,
                    proof,
                    now=shop.now(),
                    address=conversation.client_address if conversation else None,
                )
            except VerificationLocked as locked:
                # A locked order opens only by a signed identity or through a person.
                dispatcher.utter_message(
                    response="utter_verification_locked_order"
                    if locked.scope == "order"
                    else "utter_verification_locked",
                    until=locked.until.isoformat(),
                )
                return None, [*FORGET_PROOF, *done()]
            if order is None:
                # The number is kept: a wrong proof is sent again alone, a wrong number is
                # corrected alone (and failures are counted either way).
                dispatcher.utter_message(response="utter_verification_failed", order_number=number)
                return None, [*FORGET_PROOF, SlotSet("order_number", number), *ask(topic)]
        # A proof opens one order: forgotten once used, so it is never tried on the next one.
        return await order_view(session, order), [SlotSet("order_number", number), *FORGET_PROOF]
