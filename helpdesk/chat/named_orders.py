"""A message that names its order is about that order: "y el 10015 todavia lo puedo
cancelar?" asks about 10015, whatever order the bot spoke of last."""

from __future__ import annotations

import json

from helpdesk.chat.follow_ups import ORDER_TOPICS
from helpdesk.orders.numbers import named_a_postal_code, order_number_in
from helpdesk.rasa.client import Understanding

# A reading of an order topic this sure is the shopper's question, whatever order it names.
SURE_OF_THE_TOPIC = 0.6


def naming_an_order(understood: Understanding, text: str) -> str | None:
    """`/topic{..., "order_number": ...}` when the words ask about an order and name its number,
    which the NLU did not tag ("y el 10015 todavia lo puedo cancelar?"): else the bot would
    answer about the order it spoke of last. Not a number the words call a postal code."""
    number = _named_order(text)
    if understood.intent not in ORDER_TOPICS or understood.confidence < SURE_OF_THE_TOPIC:
        return None
    if number is None or "order_number" in understood.entities:
        return None
    entities = {**understood.entities, "order_number": number}
    return f"/{understood.intent}{json.dumps(entities, ensure_ascii=False)}"


# Readings that words naming an order get from their other parts, and the order topics that
# can stand behind each: an email makes "quiero anular el pedido 10002. mi mail: …" read as an
# answer (inform); "send back the trainers from order 10023 … do I pay the return postage?"
# reads as the return rules, and asks to return that order.
READ_INSTEAD = {
    "inform": ORDER_TOPICS,
    "return_policy": {"start_return", "refund_status"},
}
# An order topic given this much weight is a plausible reading of the words.
PLAUSIBLE = 0.25


def the_named_orders_topic(understood: Understanding, text: str) -> str | None:
    """`/topic{..., "order_number": ...}` when the words name an order and an order topic is a
    plausible reading behind one that such words get from their other parts (READ_INSTEAD)."""
    number = _named_order(text)
    if number is None or understood.intent not in READ_INSTEAD:
        return None
    topic = next(
        (
            name
            for name, confidence in understood.ranking
            if name in READ_INSTEAD[understood.intent] and confidence >= PLAUSIBLE
        ),
        None,
    )
    if topic is None:
        return None
    entities = {"order_number": number, **understood.entities}
    return f"/{topic}{json.dumps(entities, ensure_ascii=False)}"


def asks_about_its_order(understood: Understanding | None, text: str) -> bool:
    """The words name an order and surely ask about it: a clause inside that sounds like
    another topic ("… del pedido 10025 … cuando me lo devolveis?", read alone as the return
    rules) is part of that question."""
    if understood is None or _named_order(text) is None:
        return False
    return understood.intent in ORDER_TOPICS and understood.confidence >= SURE_OF_THE_TOPIC


# A reading this unsure of every topic is the NLU stumbling over the words of a correction.
UNSURE = 0.5


def corrected_order(answered_topic: str | None, understood: Understanding, text: str) -> str | None:
    """`/topic{"order_number": ...}` when, right after an answer about an order, the shopper
    names another order in words the NLU can make nothing sure of ("wait no sorry wrong one!!
    its 10005"): the same question, about that order."""
    number = _named_order(text)
    if answered_topic not in ORDER_TOPICS or number is None or understood.confidence >= UNSURE:
        return None
    if understood.entities.get("order_number") not in (None, number):
        return None
    return f"/{answered_topic}{json.dumps({'order_number': number})}"


def _named_order(text: str) -> str | None:
    """The order number the words name, unless they call it a postal code."""
    number = order_number_in(text)
    return None if number is None or named_a_postal_code(text, number) else number
