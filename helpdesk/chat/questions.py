"""An answer that fits the bot's open question is taken as the answer, whatever the words
around it and whatever intent the classifier would guess: after "What's your order number?",
"ok. it's #10045" is the number; after "your email or postal code?", "foi mal, é
lucas.souza@example.com" and "postcode is sw1a 1aa" are the proof, and "ah non pardon c'est la
10011" corrects the number; after "Which country are you in?", "wohne in deutschland" is the
country. The bot then gets `/inform` with what was found, read from the shopper's own words
(never from a translation).

One case the words alone don't settle: after the proof question, "28013" may be a postal code or
a corrected order number. There the bot's NLU, which reads the words around the number
("mi código postal es 28013", "ah non pardon c'est la 10011"), tags which it is."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping

from helpdesk.chat.entities import EMAIL, countries_named, country_in
from helpdesk.orders.numbers import (
    ORDER_NUMBER,
    named_a_postal_code,
    order_number_in,
    postal_code_named,
    postal_codes_in,
)
from helpdesk.rasa.client import Understanding

ASK_ORDER_NUMBER = "utter_ask_order_number"
ASK_PROOF = "utter_ask_verification"
PROOF_FAILED = "utter_verification_failed"  # asks for the proof (or a corrected number) again
PROOF_QUESTIONS = {ASK_PROOF, PROOF_FAILED}
ASK_COUNTRY = "utter_ask_country"
RETURN_ITEM_QUESTIONS = {"utter_ask_return_item", "utter_ask_return_item_refused"}
MAX_ANSWER_WORDS = 12  # longer is a new question, not an answer
BARE_COUNTRY_WORDS = 3  # "en españa", "i live in spain": no question of its own
# The answers the bot computes for one country, and their topics: a country named right after
# one asks the same for that country.
COUNTRY_ANSWERS = {
    "utter_shipping_answer": "shipping_info",
    "utter_shipping_not_served": "shipping_info",
    "utter_payment_answer": "payment_methods",
    "utter_return_policy_answer": "return_policy",
    "utter_loyalty_program_answer": "loyalty_program",
}
# A reading of "anzi no scusa, intendevo in inghilterra" this sure of another topic is a new
# question; a less sure one is the NLU stumbling over the words of a correction.
SURE_OF_ANOTHER_TOPIC = 0.7
# What the NLU may read in "and for spain?" that is no question of its own.
NO_TOPIC = {"inform", "out_of_scope", "nlu_fallback", "greet", "thank_you", "affirm", "deny"}
# What the NLU may read in "the tote bag w my initials" or "ugh fine. the tshirt then, its way
# too big" after "Which item would you like to return?": words about the item, however read,
# unless the shopper says no, thanks or hello ("cheers thats all"), stops, or asks for a person.
ITEM_ANSWERS = (NO_TOPIC - {"deny", "thank_you", "greet"}) | {"start_return", "return_policy"}
ITEM_ANSWERS |= {"complaint"}


def answer_to_question(
    question: str | None,
    text: str,
    asked_for: str | None = None,
    *,
    understood: Understanding | None = None,
    known_orders: Collection[str] = (),
) -> str | None:
    """`/inform{...}` when `text` answers the open `question` (a locale key the bot said last);
    `asked_for` is the order number the proof question named; `understood` what the NLU read
    in the text and `known_orders` which of its `numbers_to_look_up` are the shop's orders
    (both needed only where `needs_understanding`)."""
    if not _may_answer(question, text):
        return None
    if question in COUNTRY_ANSWERS:
        entities = _other_country(COUNTRY_ANSWERS[str(question)], text, understood)
    elif understood is None and needs_understanding(question, text, asked_for):
        return None  # not without what the NLU reads
    elif question in RETURN_ITEM_QUESTIONS:
        entities = _item_named(text, understood)
    elif question == ASK_COUNTRY and _asks_its_own_question(text, understood):
        return None  # "e vcs mandam pra angola?" when asked the country for the points
    else:
        tagged = understood.entities if understood else {}
        entities = _found(str(question), text, asked_for, tagged, set(known_orders))
    return f"/inform{json.dumps(entities, ensure_ascii=False)}" if entities else None


def needs_understanding(question: str | None, text: str, asked_for: str | None = None) -> bool:
    """True when only the NLU can tell what the answer is: a bare number, other than the one
    asked about, given as a proof (a postal code or a corrected order number?); a country
    named after an answer for another country (the same question again, or a new one?)."""
    if not _may_answer(question, text):
        return False
    if question in COUNTRY_ANSWERS:
        return country_in(text) is not None
    if question in RETURN_ITEM_QUESTIONS:
        return True  # the item in the shopper's words, unless they ask something else
    if question == ASK_COUNTRY:  # a bare country answers; more words may ask something else
        return country_in(text) is not None and len(text.split()) > BARE_COUNTRY_WORDS
    if question not in PROOF_QUESTIONS or EMAIL.search(text):
        return False
    return _ambiguous_number(text, asked_for) is not None


def numbers_to_look_up(question: str | None, text: str, asked_for: str | None = None) -> list[str]:
    """The number whose being an order of the shop tells a correction from a postal code."""
    if question not in PROOF_QUESTIONS:
        return []
    number = _ambiguous_number(text, asked_for)
    return [number] if number else []


def _other_country(topic: str, text: str, understood: Understanding | None) -> dict[str, str]:
    """ "and for spain?" after an answer about `topic`: the country, when the words ask nothing
    else (the NLU reads no other topic in them)."""
    country = country_in(text)
    if country is None or understood is None:
        return {}
    # "je commande depuis la belgique en fait, pas la suisse": a correction, whatever topic
    # its words sound like.
    corrected = any(taken_back for _, taken_back in countries_named(text))
    other_topic = understood.intent not in NO_TOPIC and understood.intent != topic
    if other_topic and understood.confidence >= SURE_OF_ANOTHER_TOPIC and not corrected:
        return {}  # "do you ship to spain?" after the return rules: a question of its own
    return {"country": country}


def _item_named(text: str, understood: Understanding | None) -> dict[str, str]:
    """The shopper's words as the item to return, for the bot to match against the order's
    items (and to say why one named cannot go back); nothing when they ask something else."""
    if understood is None:
        return {}
    other = understood.intent not in ITEM_ANSWERS
    if other and (understood.confidence >= SURE_OF_ANOTHER_TOPIC or understood.intent in NO_TOPIC):
        return {}
    # The item the NLU tagged ("jean" in "le jean, il taille trop petit") names it best.
    return {"product": understood.entities.get("product") or text.strip()}


def _asks_its_own_question(text: str, understood: Understanding | None) -> bool:
    """A country named in words that surely ask about a topic: that question, not the answer
    to "Which country are you in?"."""
    if understood is None or len(text.split()) <= BARE_COUNTRY_WORDS:
        return False
    return understood.intent not in NO_TOPIC and understood.confidence >= SURE_OF_ANOTHER_TOPIC


def _may_answer(question: str | None, text: str) -> bool:
    if question is None or text.startswith("/"):
        return False
    return 0 < len(text.split()) <= MAX_ANSWER_WORDS or _corrects_a_country(question, text)


def _corrects_a_country(question: str, text: str) -> bool:
    """A country taken back after an answer for a country ("… la belgique en fait, pas la
    suisse"), in however many words."""
    return question in COUNTRY_ANSWERS and any(back for _, back in countries_named(text))


def _found(
    question: str,
    text: str,
    asked_for: str | None,
    tagged: Mapping[str, str],
    known_orders: set[str],
) -> dict[str, str]:
    number = order_number_in(text)
    if question == ASK_ORDER_NUMBER:
        # "10018, ana@example.com": the proof may come with the number.
        return {"order_number": number, **_proof_in(text, number, tagged, set())} if number else {}
    if question in PROOF_QUESTIONS:
        return _proof_in(text, asked_for, tagged, known_orders)
    if question == ASK_COUNTRY:
        country = country_in(text)
        return {"country": country} if country else {}
    return {}


def _proof_in(
    text: str, asked_for: str | None, tagged: Mapping[str, str], known_orders: set[str]
) -> dict[str, str]:
    """An email, a postal code in any market's format, or a corrected order number."""
    if email := EMAIL.search(text):
        # "scusa ho sbagliato numero, è il 10003. la mail è sempre giulia@…": the proof, and
        # the order it proves.
        rest = text.replace(email.group(0), " ")
        number = order_number_in(rest)
        if number and number != asked_for and not named_a_postal_code(rest, number):
            return {"order_number": number, "email": email.group(0)}
        return {"email": email.group(0)}
    if number := _ambiguous_number(text, asked_for):
        if named_a_postal_code(text, number):
            return {"postal_code": number}  # "zip is 10001", though 10001 is an order too
        # An order of the shop is a correction ("no aspetta ho sbagliato numero, è il 10003":
        # the NLU tagged that one a postal code); else the words around it decide ("my
        # postcode is 28013"); a number that is no order of the shop is a postal code.
        if number in known_orders or tagged.get("order_number") == number:
            # "sorry vertippt, meinte 10001. plz ist 10115": the proof may come along.
            code = postal_code_named(text, besides=number)
            return {"order_number": number, **({"postal_code": code} if code else {})}
        return {"postal_code": number}
    if (number := order_number_in(text)) and number != asked_for and not postal_codes_in(text):
        return {"order_number": number}  # "#10025": a shop number, never a postal code
    codes = [code for code in postal_codes_in(text) if order_number_in(code) != asked_for]
    return {"postal_code": codes[0]} if codes else {}


def _ambiguous_number(text: str, asked_for: str | None) -> str | None:
    """A number written without '#', other than the asked one, that is the shape of a postal
    code and of the shop's order numbers both ("sorry, its 10013 not 10031")."""
    codes = set(postal_codes_in(text))
    numbers = [m.group(1) for m in ORDER_NUMBER.finditer(text) if m.group(1) != asked_for]
    return next((number for number in numbers if number in codes), None)
