"""Languages written without spaces between words (Chinese, Japanese). The bot's tokenizer
splits on spaces, so inside "帮我查一下订单10006" or "我在中国" it finds no order number, email
or country. The helpdesk finds them itself and gives the bot the intent its NLU reads in the
words together with those values, as a structured message ("/order_status{...}")."""

from __future__ import annotations

import json

from helpdesk.chat.entities import EMAIL, UNSPACED, country_in
from helpdesk.orders.numbers import order_number_in
from helpdesk.rasa.client import Understanding


def values_without_spaces(text: str) -> dict[str, str]:
    """The order number, email and country in a text written without spaces; {} otherwise."""
    if not UNSPACED.search(text):
        return {}
    values = {}
    if number := order_number_in(text):
        values["order_number"] = number
    if email := EMAIL.search(text):
        values["email"] = email.group(0)
    if country := country_in(text):
        values["country"] = country
    return values


def structured(understood: Understanding, values: dict[str, str]) -> str:
    """The message as the bot's NLU reads its intent, with `values` as its entities."""
    # Values with words the NLU makes nothing of are information ("邮箱是li.wei@example.com").
    intent = understood.intent
    if intent in {"", "nlu_fallback", "out_of_scope"}:
        intent = "inform"
    entities = {**understood.entities, **values}
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


def with_values(payload: str, values: dict[str, str]) -> str:
    """A topic payload ("/loyalty_program") with the values found beside it, if it has none."""
    if not values or "{" in payload:
        return payload
    return f"{payload}{json.dumps(values, ensure_ascii=False)}"
