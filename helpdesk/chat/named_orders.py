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
    number = order_number_in(text)
    if understood.intent not in ORDER_TOPICS or understood.confidence < SURE_OF_THE_TOPIC:
        return None
    if not number or "order_number" in understood.entities or named_a_postal_code(text, number):
        return None
    entities = {**understood.entities, "order_number": number}
    return f"/{understood.intent}{json.dumps(entities, ensure_ascii=False)}"
