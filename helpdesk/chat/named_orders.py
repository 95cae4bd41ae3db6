"""A message that names its order is about that order: "y el 10015 todavia lo puedo
cancelar?" asks about 10015, whatever order the bot spoke of last."""

from __future__ import annotations

import json
import re

from helpdesk.chat.entities import NEGATIONS, negated
from helpdesk.chat.follow_ups import ORDER_TOPICS
from helpdesk.orders.numbers import ORDER_NUMBER, named_a_postal_code, order_number_in
from helpdesk.rasa.client import Understanding

# A reading of an order topic this sure is the shopper's question, whatever order it names.
SURE_OF_THE_TOPIC = 0.6


def naming_an_order(understood: Understanding, text: str) -> str | None:
    """`/topic{..., "order_number": ...}` when the words ask about an order and name its number,
    which the NLU did not tag ("y el 10015 todavia lo puedo cancelar?") or tagged as the one
    they take back ("posso ancora annullare il 10003? anzi no scusa, intendevo il 10002"): else
    the bot would answer about another order. Not a number the words call a postal code."""
    number = _named_order(text)
    if understood.intent not in ORDER_TOPICS or understood.confidence < SURE_OF_THE_TOPIC:
        return None
    if number is None or order_number_in(understood.entities.get("order_number")) == number:
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
# Words that say the shopper named the wrong one, whatever the NLU reads in them: "je me suis
# trompée, je voulais dire la 10011" reads surely as a question about 10011's status.
SAYING_I_MEANT = re.compile(
    r"\b(i meant|wrong one|wrong number|quise decir|me equivoqu|quis dizer|me enganei|enganei-me"
    r"|voulais dire|je me suis tromp|intendevo|ho sbagliato|ich meinte|falsche nummer|vertan)",
    re.IGNORECASE,
)


def corrected_order(answered_topic: str | None, understood: Understanding, text: str) -> str | None:
    """`/topic{"order_number": ...}` when, right after an answer about an order, the shopper
    names another order in words that say they meant it, or that the NLU can make nothing sure
    of ("wait no sorry wrong one!! its 10005"): the same question, about that order."""
    number = _named_order(text)
    if answered_topic not in ORDER_TOPICS or number is None:
        return None
    if understood.confidence >= UNSURE and not SAYING_I_MEANT.search(text):
        return None
    if understood.entities.get("order_number") not in (None, number):
        return None
    return f"/{answered_topic}{json.dumps({'order_number': number})}"


def _named_order(text: str) -> str | None:
    """The order number the words name (the one they mean, of two), unless they call it a
    postal code."""
    number = order_meant(text) or order_number_in(text)
    return None if number is None or named_a_postal_code(text, number) else number


# Words that take back what came before them: "anzi no scusa, intendevo il 10002".
TAKING_BACK = NEGATIONS | {
    "anzi", "scusa", "intendevo", "sorry", "meant", "mean", "actually", "rather",
    "perdon", "perdón", "quise", "quería", "queria", "desculpa", "desculpe", "quis",
    "pardon", "voulais", "plutôt", "sondern", "eigentlich", "meinte",
}  # fmt: skip


def order_meant(text: str) -> str | None:
    """Of two order numbers, the one the words mean: the earlier when a negation comes right
    before the later ("i meant 10002 not 10003"); else the later when a negation comes right
    before the earlier ("not 10013 but 10031") or words between take it back ("10003? anzi no
    scusa, intendevo il 10002"). None for one number or none, or two that nothing takes back
    ("is 10003 or 10002 still open?")."""
    found = list(ORDER_NUMBER.finditer(text))
    if len({match.group(1) for match in found}) != 2:
        return None
    first, last = found[0], next(m for m in found if m.group(1) != found[0].group(1))
    before = re.findall(r"\w+", text[: first.start()].casefold())
    between = re.findall(r"\w+", text[first.end() : last.start()].casefold())
    if negated(between):
        return first.group(1)
    if negated(before) or TAKING_BACK.intersection(between):
        return last.group(1)
    return None
