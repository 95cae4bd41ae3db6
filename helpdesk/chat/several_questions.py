"""Several questions in one message ("how many points do i have? oh and can i use klarna",
"si puo pagare cn paypal? e la spedizione in italia qnt costa"). The bot answers one intent
per message, so read whole such a message got one answer and the shopper had to ask again.
Read clause by clause, each question stands out, and the bot is asked each in turn: first the
questions answered in one go (shipping, payments, the return rules, the programme, the
balance), then at most one that opens a thread (an order, a return, a complaint), since the
bot can follow one thread at a time."""

from __future__ import annotations

import json
import re

from helpdesk.chat.entities import country_in
from helpdesk.chat.follow_ups import topic_answered
from helpdesk.chat.questions import ASK_COUNTRY, ASK_ORDER_NUMBER, PROOF_QUESTIONS
from helpdesk.chat.wrapped import MAX_CLAUSES, clauses_and_asking, links_on
from helpdesk.rasa.client import BotMessage, Understand, Understanding

# Answered from the shop's rules or the proved shopper's account, with nothing asked back
# (unless the country is unknown, or the shopper is not proved yet: then the bot asks, and
# the questions after wait).
ANSWERED_IN_ONE_GO = {
    "shipping_info",
    "payment_methods",
    "return_policy",
    "loyalty_program",
    "loyalty_balance",
}
# Questions that open a thread the bot follows over several turns.
THREADS = {
    "order_status",
    "cancel_order",
    "change_order",
    "start_return",
    "refund_status",
    "redeem_points",
    "complaint",
}
# A clause read less surely is part of the story, not a question: "hab mich total verklickt"
# after a cancellation reads as the points balance at 0.78, "il mio ultimo ordine è il 10002"
# as its status at 0.74; the questions asked read at 0.95 and more.
SURE_OF_A_QUESTION = 0.9
# ... unless the shopper ended the clause with a question mark.
SURE_OF_AN_ASKED_QUESTION = 0.7
# Chinese asks with words as often as with a mark: a closing 吗 or 呢, or a question word
# ("另外退货是几天内可以退", "能用微信付吗").
_ASKED_IN_CHINESE = re.compile(r"[吗呢][\s?？]*$|多少|几|什么|怎么|哪|能不能|可不可以|是否")
# The words that link two questions inside one clause (wrapped.LINKS link them across
# clauses): "y", "e" and "et" also join nouns and verbs, so the halves must then each ask,
# surely, about another topic.
INNER_LINKS = {"and", "y", "e", "et", "und"}
# Topics one answer covers together: asked side by side, they are one question about one
# thing ("send back the trainers from order 10023, do I pay the return postage?").
KIN = (
    {"return_policy", "start_return", "refund_status"},
    {"loyalty_program", "loyalty_balance", "redeem_points"},
    {"order_status", "cancel_order", "change_order"},
)
# Values that prove who the shopper is: told beside the questions ("my email is ..."), they
# serve every question that needs them. An order asked about is the subject of its question.
PROOF = ("order_number", "email", "postal_code")
# Country-bound answers: a country named anywhere in the message is where the shopper is.
BY_COUNTRY = {"shipping_info", "payment_methods", "return_policy", "loyalty_program"}
# The bot's words that wait for the shopper, although they answer a topic.
ASKING_KEYS = {
    ASK_ORDER_NUMBER,
    ASK_COUNTRY,
    *PROOF_QUESTIONS,
    "utter_start_return",
    "utter_refund_status",
    "utter_ask_return_item",
}


async def questions_in(text: str, understand: Understand) -> list[str]:
    """`/intent{entities}` for each question of a message that asks two or more (those
    answered in one go first, then at most one thread); [] when it asks one or none."""
    parts = [piece for clause in clauses_and_asking(text) for piece in _at_the_link(*clause)]
    if not 2 <= len(parts) <= MAX_CLAUSES:
        return []
    asked: dict[str, tuple[str, Understanding]] = {}
    told = []  # what the clauses that ask nothing say ("my email is ...")
    marks_questions = any(marked for _, marked in parts)
    for index, (part, marked) in enumerate(parts):
        reading = await understand(part)
        marked = marked or bool(_ASKED_IN_CHINESE.search(part))
        # A shopper who marks questions marks them all, or links the next one on ("oh and
        # can i use klarna"); an unmarked clause of theirs tells ("ho pagato con paypal ieri").
        linked = links_on(part) or (index > 0 and links_on(parts[index - 1][0]))
        intent = _question(reading, marked, tells=marks_questions and not (marked or linked))
        if intent is None:
            told.append(reading)
        elif intent not in asked:
            asked[intent] = (part, reading)
    threads = [intent for intent in asked if intent in THREADS]
    if len(asked) < 2 or len(threads) > 1 or _kin(asked):
        return []  # one question, or several threads: the message reads best whole
    country = _country_named(asked.values())
    proof = _proof_given(told)
    # The balance asks for a proof when the shopper has given none: it comes after the rules.
    in_one_go = sorted(
        (intent for intent in asked if intent in ANSWERED_IN_ONE_GO),
        key=lambda intent: intent == "loyalty_balance",
    )
    return [_payload(intent, asked[intent][1], country, proof) for intent in in_one_go + threads]


def waits_for_the_shopper(answer: list[BotMessage]) -> bool:
    """True when the bot's answer asks something, offers something or hands over, or answers
    no topic at all: the questions after it would bury what it asked."""
    for said in answer:
        if said.buttons or said.escalate is not None or said.key in ASKING_KEYS:
            return True
        if said.key and said.key.startswith("utter_ask"):
            return True
    last = next((said.key for said in reversed(answer) if said.key), None)
    return topic_answered(last) is None


def _question(reading: Understanding, with_a_question_mark: bool, *, tells: bool) -> str | None:
    """The topic a clause surely asks about; the NLU may hesitate between threads about an
    order ("a encomenda 10033 foi mesmo cancelada ou não?": its status 0.57, cancelling it
    0.38): then it surely asks about the order, and the likeliest thread is the one. A clause
    that `tells` asks no question of the rules, though it may ask for something ("the boots
    arrived broken")."""
    sure = SURE_OF_AN_ASKED_QUESTION if with_a_question_mark else SURE_OF_A_QUESTION
    if tells and reading.intent in ANSWERED_IN_ONE_GO:
        return None
    if reading.intent in ANSWERED_IN_ONE_GO or reading.intent in THREADS:
        if reading.confidence >= sure:
            return reading.intent
    if reading.intent in THREADS and "order_number" in reading.entities:
        threads = sum(confidence for name, confidence in reading.ranking if name in THREADS)
        if threads >= sure:
            return reading.intent
    return None


# Each side of a link inside a clause says this much at least, to be a question of its own.
MIN_WORDS_LINKED = 3


def _at_the_link(clause: str, marked: bool) -> list[tuple[str, bool]]:
    """A clause that links a second question on without a comma ("how much is shipping to the
    usa and do u take apple pay?"), as its two questions, both asked as the clause was; else
    the clause. The halves are read like any clauses: a half that asks nothing surely ("do you
    ship to spain and portugal?") leaves one question, and the message is read whole."""
    words = clause.split()
    for index in range(MIN_WORDS_LINKED, len(words) - MIN_WORDS_LINKED + 1):
        if words[index].casefold() in INNER_LINKS:
            return [(" ".join(words[:index]), marked), (" ".join(words[index:]), marked)]
    return [(clause, marked)]


def _kin(asked) -> bool:
    return any(len(kin.intersection(asked)) > 1 for kin in KIN)


def _country_named(asked) -> str | None:
    for part, reading in asked:
        if country := reading.entities.get("country") or country_in(part):
            return country
    return None


def _proof_given(readings: list[Understanding]) -> dict[str, str]:
    """The values that prove who the shopper is, where the clauses give one of each kind."""
    given = {}
    for name in PROOF:
        values = {reading.entities[name] for reading in readings if name in reading.entities}
        if len(values) == 1:
            given[name] = values.pop()
    return given


def _payload(
    intent: str, reading: Understanding, country: str | None, proof: dict[str, str]
) -> str:
    entities = dict(reading.entities)
    if intent in BY_COUNTRY and country and "country" not in entities:
        entities["country"] = country
    if intent not in BY_COUNTRY:
        entities = {**proof, **entities}
    return f"/{intent}{json.dumps(entities, ensure_ascii=False) if entities else ''}"
