"""A question wrapped in a greeting, thanks or a goodbye ("hola buenas, donde esta mi
paquete??", "ola, cade meu pedido?? obrigada") is the question. Read whole, such a message
often looks like small talk to the NLU, and the shopper got "You're welcome!" instead of an
answer, or the NLU is unsure of it ("等一下，退货运费谁出？"); read clause by clause, the
question stands out."""

from __future__ import annotations

import json
import re

from helpdesk.rasa.client import Understand, Understanding

SMALL_TALK = {"greet", "thank_you", "goodbye"}
# Whole messages worth reading clause by clause: small talk, a yes or a no with nothing
# offered, or nothing the NLU is sure of.
ACKNOWLEDGEMENTS = {"affirm", "deny"}
MAYBE_WRAPPED = SMALL_TALK | ACKNOWLEDGEMENTS | {"nlu_fallback"}
# Clauses that ask nothing either: "vale", "ok", "bom, é isso".
NO_QUESTION = SMALL_TALK | {"affirm", "deny", "stop", "out_of_scope", "nlu_fallback"}
SURE_ENOUGH = 0.5  # a clause read as a question less surely asks nothing to rely on
# Thanks or a goodbye close a chat: beside them, a clause without a question mark asks only
# when read this surely or linked on ("ok vou ver com o banco, obrigado" tells; its first
# clause reads as payments at 0.52).
CLOSING = {"thank_you", "goodbye"}
SURE_UNMARKED = 0.75
MAX_CLAUSES = 4  # a longer message is a story, not a wrapped question
# A full stop or colon inside a word is no end of a clause: "oliver.smith@example.com", "14.95".
_CLAUSE_END = re.compile(r"(?:[,!?;，。！？；]|[.:](?!\w))+")
_ASKING_CLAUSE = re.compile(r"[^,.!?;:，。！？；]+[?？]")
SURE_OF_THE_QUESTION = 0.75
# Words that link a further question on, in the shop's languages.
LINKS = {"and", "also", "plus", "btw", "y", "e", "et", "und", "auch", "anche", "inoltre"}
LINKS |= {"ademas", "además", "tambien", "también", "tambem", "também", "aussi", "sowie"}
LINKS_WITHOUT_SPACES = ("另外", "还有", "顺便", "以及", "并且")
# A message read this surely whole is its asked clause in context: "e se eu quiser devolver,
# quem paga?" reads as the return rules at 0.99, its "quem paga?" alone as payments.
SURE_OF_THE_MESSAGE = 0.98


async def question_inside(
    text: str, understand: Understand, read: Understanding | None = None
) -> str:
    """The question inside a greeting, thanks or goodbye, else the text as it is; `read` is
    what the NLU read in the whole text, when it was asked already. One rule for the chat and
    the eval command."""
    if not is_wrapped(text):
        return text
    whole = read or await understand(text)
    if whole.intent not in MAYBE_WRAPPED:
        return text
    parts = clauses(text)
    readings = [await understand(part) for part in parts]
    if not _any_question(text, whole, readings):
        if readings[-1].intent == "goodbye" and whole.intent != "goodbye":
            return parts[-1]  # "cool thanks, bye": the goodbye closes the chat
        if whole.intent in ACKNOWLEDGEMENTS:  # "ah oui je le vois sur mon compte, merci !"
            return _small_talk_in(parts, readings) or text
        return text  # "vale, muchas gracias!": small talk all through, however it reads
    small_talk = [reading.intent in NO_QUESTION for reading in readings]
    return unwrapped(parts, small_talk) or text


async def the_asked_clause(
    text: str, understand: Understand, read: Understanding | None = None
) -> str | None:
    """`/topic{entities}` when the one clause that ends with a question mark surely asks about
    another topic than the whole message reads as: "espera una cosa antes, vivo en francia,
    tengo que pagar yo el envio de vuelta?" reads as shipping, and asks about returns. The
    values the whole message gave (the country) go along; None otherwise."""
    asked = [match.group(0).strip() for match in _ASKING_CLAUSE.finditer(text)]
    if len(asked) != 1 or len(clauses(text)) < 2:
        return None
    whole = read or await understand(text)
    if whole.confidence >= SURE_OF_THE_MESSAGE:
        return None
    clause = await understand(asked[0])
    if clause.intent in NO_QUESTION | {"inform"} or clause.intent == whole.intent:
        return None
    if clause.confidence < SURE_OF_THE_QUESTION:
        return None
    entities = {**whole.entities, **clause.entities}
    return f"/{clause.intent}{json.dumps(entities, ensure_ascii=False) if entities else ''}"


def _small_talk_in(parts: list[str], readings: list[Understanding]) -> str | None:
    """The first clause that is a greeting, thanks or goodbye, if one is."""
    talk = (part for part, read in zip(parts, readings, strict=True) if read.intent in SMALL_TALK)
    return next(talk, None)


def _any_question(text: str, whole: Understanding, readings: list[Understanding]) -> bool:
    """Some clause asks; beside thanks or a goodbye, with a question mark, surely, or linked on
    ("blz. e o frete pra sp qto fica": shipping at 0.60 after "e")."""
    parts = clauses_and_asking(text)
    asking = [
        (part, reading)
        for (part, _), reading in zip(parts, readings, strict=True)
        if _asks(reading)
    ]
    if whole.intent not in CLOSING or any(marked for _, marked in parts):
        return bool(asking)
    return any(read.confidence >= SURE_UNMARKED or links_on(part) for part, read in asking)


def _asks(reading: Understanding) -> bool:
    return reading.intent not in NO_QUESTION and reading.confidence >= SURE_ENOUGH


def links_on(part: str) -> bool:
    """The clause opens with a word that links on another question ("oh and", "y ya que estoy")."""
    words = part.casefold().split()[:2]
    return any(word in LINKS for word in words) or part.startswith(LINKS_WITHOUT_SPACES)


def clauses(text: str) -> list[str]:
    """The message's clauses, as the shopper punctuated it."""
    return [clause for clause, _ in clauses_and_asking(text)]


def clauses_and_asking(text: str) -> list[tuple[str, bool]]:
    """Each clause, and whether the shopper ended it with a question mark."""
    found, start = [], 0
    for end in [*_CLAUSE_END.finditer(text), None]:
        part = text[start : end.start() if end else len(text)].strip()
        if part:
            found.append((part, end is not None and bool(set(end.group(0)) & {"?", "？"})))
        if end is not None:
            start = end.end()
    return found


def is_wrapped(text: str) -> bool:
    """Worth reading clause by clause: two to MAX_CLAUSES clauses."""
    return 2 <= len(clauses(text)) <= MAX_CLAUSES


def unwrapped(parts: list[str], small_talk: list[bool]) -> str | None:
    """The clauses that are no small talk, joined, when some are and some are not."""
    kept = [part for part, talk in zip(parts, small_talk, strict=True) if not talk]
    return ", ".join(kept) if kept and len(kept) < len(parts) else None


# A clause read as a request for a person this surely is one, whatever the rest says.
SURE_OF_A_PERSON = 0.9
SURE_OF_THE_WHOLE = 0.9  # a message read this surely as one thing is not read clause by clause


async def person_asked_for(
    text: str, understand: Understand, read: Understanding | None = None
) -> bool:
    """A request for a person inside a longer message ("el pago me ha fallado dos veces…, esto
    es un desastre, pasame con alguien"; "j'ai reçu la commande 10021… je veux parler à
    quelqu'un svp"): read whole, the message is about the payment or the order, and the
    shopper who asked for a person got the bot's answer instead."""
    if not is_wrapped(text):
        return False
    whole = read or await understand(text)
    if whole.intent == "human_handoff" or whole.confidence >= SURE_OF_THE_WHOLE:
        return False
    for part in clauses(text):
        clause = await understand(part)
        if clause.intent == "human_handoff" and clause.confidence >= SURE_OF_A_PERSON:
            return True
    return False
