"""A short follow-up leans on what the bot just answered. "how much are they worth" after the
points balance, "e pix?" after the payment methods, "et c gratuit a partir de combien" after
the shipping costs: alone, such words could be about several things and the NLU hesitates
between them. When the topic just answered is among its close guesses, that is the one the
shopper means; when the NLU is sure of another topic, the shopper changed the subject."""

from __future__ import annotations

import json

from helpdesk.rasa.client import Understanding

# Guesses this close to the best one are all plausible readings of the words.
CLOSE = 0.15
# When the NLU fell back (no guess was good enough), the best few are plausible.
PLAUSIBLE_AFTER_FALLBACK = 3
# The bot's answers (locale keys, by prefix) and the topic each answers.
ANSWER_TOPICS = (
    ("utter_order_cancelled_now", "cancel_order"),
    ("utter_cancel_", "cancel_order"),
    ("utter_change_", "change_order"),
    ("utter_order_", "order_status"),
    ("utter_return_policy_answer", "return_policy"),
    ("utter_return_", "start_return"),
    ("utter_refund_", "refund_status"),
    ("utter_shipping_", "shipping_info"),
    ("utter_payment_answer", "payment_methods"),
    ("utter_loyalty_program_answer", "loyalty_program"),
    ("utter_loyalty_", "loyalty_balance"),
    ("utter_referral_", "loyalty_balance"),  # the invite code comes with the balance
)


def topic_answered(key: str | None) -> str | None:
    """The topic of the bot's answer `key`, or None when it answered no topic."""
    if not key:
        return None
    return next((topic for prefix, topic in ANSWER_TOPICS if key.startswith(prefix)), None)


# The answers about one order: "and 10006?" after one asks the same about that order.
ORDER_TOPICS = {"order_status", "cancel_order", "change_order", "start_return", "refund_status"}


def about_another_order(
    answered: str | None, understood: Understanding, values: dict[str, str]
) -> str | None:
    """`/topic{"order_number": ...}` when the shopper gives just another order number ("那10006
    呢", "and 10006?") right after an answer about an order; None otherwise. `values` are those
    found in words written without spaces, which the NLU cannot tag."""
    topic = topic_answered(answered)
    number = understood.entities.get("order_number") or values.get("order_number")
    if topic not in ORDER_TOPICS or understood.intent != "inform" or not number:
        return None
    return f"/{topic}{json.dumps({'order_number': number})}"


# Topics a follow-up to an answer may be about besides its own: "et ils expirent qd ?" after the
# balance asks the programme's rule.
KIN = {"loyalty_balance": ("loyalty_program",)}


def follow_up(answered: str | None, understood: Understanding) -> str | None:
    """`/topic{entities}` when the words hesitate between readings and one is the topic just
    answered, else its kin; None when the NLU is sure, or neither is
    among its guesses."""
    topic = topic_answered(answered)
    if topic is None or understood.intent == topic:
        return None
    if understood.intent == "nlu_fallback":
        plausible = [name for name, _ in understood.ranking if name != "nlu_fallback"]
        plausible = plausible[:PLAUSIBLE_AFTER_FALLBACK]
    else:
        plausible = understood.close_to_best(CLOSE)
        if len(plausible) < 2:
            return None  # sure of one reading
    kin = (name for name in KIN.get(topic, ()) if name in plausible)
    meant = topic if topic in plausible else next(kin, None)
    if meant is None:
        return None
    entities = json.dumps(understood.entities, ensure_ascii=False) if understood.entities else ""
    return f"/{meant}{entities}"
