"""The bot keeps the thread of a conversation, through the chat API and the real trained bot:
an open question survives a side question, an answer is taken in whatever words it comes, a
correction replaces what it corrects, and a failed proof keeps the order number."""

from __future__ import annotations

import re

import pytest

from tests.conftest import open_session

pytestmark = pytest.mark.rasa


async def said(shopper, message: str) -> str:
    """Everything the bot answered to `message`, one text."""
    answer = await shopper.say(message)
    assert answer["messages"], f"no answer to {message!r}"
    return "\n".join(m["text"] for m in answer["messages"])


def is_status_of(answer: str, number: str) -> bool:
    """The order's status shown, with its carrier (in any language): not a question again, not
    a refusal."""
    return f"#{number}" in answer and re.search(CARRIERS, answer) is not None


CARRIERS = r"PostNL|DHL|UPS|Royal Mail|Correios|SF Express"


async def test_an_open_proof_question_survives_a_side_question(helpdesk):
    shopper = await open_session(helpdesk)
    assert "#10013" in await said(shopper, "where is my order 10013")
    side = await said(shopper, "do you ship express to spain?")
    assert "Spain" in side and "#10013" in side  # answered, then asked again
    assert is_status_of(await said(shopper, "ok. oliver.smith@example.com"), "10013")


@pytest.mark.parametrize(
    "asked, proof",
    [
        ("where's my order 10014", "cep 01310-100"),
        ("where is my order 10012", "o cp é 1250-096"),
        ("where is order 10013", "postcode is sw1a 1aa"),
    ],
)
async def test_postal_codes_are_taken_as_people_write_them(helpdesk, asked, proof):
    shopper = await open_session(helpdesk, locale="en")
    number = asked[-5:]
    assert f"#{number}" in await said(shopper, asked)
    assert is_status_of(await said(shopper, proof), number)


async def test_a_dutch_postal_code_in_small_letters_opens_a_paid_order(helpdesk):
    shopper = await open_session(helpdesk, locale="en")
    await said(shopper, "where's my order 10004")
    answer = await said(shopper, "1017 ce")
    assert "#10004" in answer and "couldn't match" not in answer


async def test_a_corrected_order_number_replaces_the_first_one(helpdesk):
    shopper = await open_session(helpdesk)
    assert "#10011" in await said(shopper, "hola, donde esta mi pedido 10011")
    corrected = await said(shopper, "perdon me equivoque de numero, es el 10025")
    assert "#10025" in corrected and "#10011" not in corrected
    assert is_status_of(await said(shopper, "28013"), "10025")


async def test_after_a_wrong_proof_the_right_one_alone_is_enough(helpdesk):
    shopper = await open_session(helpdesk)
    await said(shopper, "where is my order 10010")
    assert "couldn't match" in await said(shopper, "camille.martin@example.com")
    assert is_status_of(await said(shopper, "sorry, ana.garcia@example.com"), "10010")


async def test_full_width_letters_and_digits_are_read_as_typed(helpdesk):
    shopper = await open_session(helpdesk)
    assert "#10010" in await said(shopper, "ｗｈｅｒｅ ｉｓ ｍｙ ｏｒｄｅｒ １００１０")
