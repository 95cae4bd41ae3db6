"""What the bot is given for a shopper's message, once its words are in a language the bot
reads: a person, when a clause asks for one; the topic just answered for a hesitant follow-up,
the topic a few words name, the question inside small talk, with the values found in words
written without spaces; else the words as they are. One rule for the chat and for the eval
command, so that the eval's figures are what shoppers get."""

from __future__ import annotations

from helpdesk.chat.few_words import is_few_words, topic_named
from helpdesk.chat.follow_ups import about_another_order, follow_up, topic_answered
from helpdesk.chat.named_orders import (
    asks_about_its_order,
    corrected_order,
    naming_an_order,
    the_named_orders_topic,
)
from helpdesk.chat.unspaced import structured, values_without_spaces, with_values
from helpdesk.chat.wrapped import person_asked_for, question_inside, the_asked_clause
from helpdesk.orders.numbers import order_number_in
from helpdesk.rasa.client import Understand

HANDOFF = "/human_handoff"


async def as_the_bot_reads(text: str, understand: Understand, answered: str | None = None) -> str:
    """`answered` is the locale key of the bot's last words (None for a first message)."""
    if await person_asked_for(text, understand):
        return HANDOFF  # whatever else the message says or follows
    read = None
    if topic_answered(answered) is not None or is_few_words(text):
        read, values = await understand(text), values_without_spaces(text)
        if another := about_another_order(answered, read, values):
            return another
        if corrected := corrected_order(topic_answered(answered), read, text):
            return corrected
        if payload := follow_up(answered, read) or topic_named(read, text):
            return with_values(payload, values)
    if order_number_in(text) and not values_without_spaces(text):
        read = read or await understand(text)
        if named := naming_an_order(read, text) or the_named_orders_topic(read, text):
            return named
    question = await question_inside(text, understand, read)
    if (
        question == text
        and not asks_about_its_order(read, text)
        and (asked := await the_asked_clause(text, understand, read))
    ):
        return with_values(asked, values_without_spaces(text))
    if values := values_without_spaces(question):
        reading = read if read is not None and question == text else await understand(question)
        return structured(reading, values)
    return question
