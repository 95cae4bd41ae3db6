"""The bot answers from the example shop's orders and policies, through the real Rasa server."""

from __future__ import annotations

import asyncio

import pytest

from helpdesk.web.keys import SETTINGS
from tests.conftest import open_session

pytestmark = pytest.mark.rasa


async def texts(shopper, message: str) -> list[str]:
    return [m["text"] for m in (await shopper.say(message))["messages"]]


async def test_an_order_is_shown_only_after_verification(helpdesk):
    shopper = await open_session(helpdesk, locale="en")
    assert "order number" in (await texts(shopper, "where is my order?"))[0]
    assert "email address or the postal code" in (await texts(shopper, "10010"))[0]
    [answer] = await texts(shopper, "ana.garcia@example.com")
    assert answer.startswith("Order #10010 is on its way with PostNL (tracking number AN10010NL)")


async def test_a_wrong_email_reveals_nothing(helpdesk):
    shopper = await open_session(helpdesk, locale="en")
    await shopper.say("where's my order 10010")
    [answer] = await texts(shopper, "my email is camille.martin@example.com")
    assert answer.startswith("Sorry, I couldn't match those details") and "PostNL" not in answer


async def test_a_late_order_says_so_and_offers_a_person(helpdesk):
    shopper = await open_session(helpdesk, locale="en")
    await shopper.say("where is order #10018?")
    answer = (await shopper.say("28013"))["messages"][0]
    assert "running late" in answer["text"]
    assert answer["buttons"][0]["payload"] == "/human_handoff"


async def wait_for_policy_version(helpdesk, version: int | None = None, status: str = "ok") -> None:
    for _ in range(50):
        policies = (await (await helpdesk.get("/healthz")).json())["policies"]
        if policies["status"] == status and (version is None or policies["version"] == version):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"policies never reached {status} {version}: {policies}")


async def test_editing_returns_yml_changes_the_next_answer_and_breaking_it_does_not(helpdesk):
    shopper = await open_session(helpdesk, locale="en")
    [before] = await texts(shopper, "what is your return policy for Germany?")
    assert "In Germany you can return items within 60 days" in before

    path = helpdesk.server.app[SETTINGS].policies_dir / "returns.yml"
    path.write_text(path.read_text().replace("window_days: 60", "window_days: 75"))
    await wait_for_policy_version(helpdesk, version=2)
    [after] = await texts(shopper, "and the return policy for Germany again?")
    assert "within 75 days" in after

    path.write_text(path.read_text().replace("window_days: 75", "window_days: lots"))
    await wait_for_policy_version(helpdesk, status="error")
    [still] = await texts(shopper, "return policy Germany")
    assert "within 75 days" in still


async def test_a_correction_switching_topics_and_never_mind(helpdesk):
    shopper = await open_session(helpdesk, locale="en")
    await shopper.say("where is my order 10011?")
    [corrected] = await texts(shopper, "sorry, it's order 10010")
    assert "#10010" in corrected
    switched, asked_again = await texts(shopper, "actually, how much is shipping to Italy?")
    assert switched.startswith("Shipping to Italy:")
    assert "#10010" in asked_again  # the open proof question, asked again after the side one
    await shopper.say("what's your return policy?")
    [stopped] = await texts(shopper, "never mind")
    assert stopped.startswith("No problem")
    [after] = await texts(shopper, "France")  # no open question any more: nothing resumes
    assert "return" not in after.lower() and "#10010" not in after


@pytest.mark.parametrize(
    "lang, question, country",
    [
        ("en", "do you guys ship to canada?", "Canada"),
        ("es", "hacen envíos a españa?", "España"),
        ("pt", "vocês entregam em portugal?", "Portugal"),
        ("fr", "vous livrez en belgique ?", "Belgique"),
        ("de", "liefert ihr auch nach deutschland?", "Deutschland"),
        ("it", "spedite anche in italia?", "Italia"),
    ],
)
async def test_a_country_named_in_small_letters_inside_a_question_is_understood(
    helpdesk, lang, question, country
):
    shopper = await open_session(helpdesk, locale=lang)
    [answer] = await texts(shopper, question)
    assert country in answer, answer  # the answer for that country, not "Which country...?"


async def test_a_country_in_small_letters_answers_the_bots_question(helpdesk):
    shopper = await open_session(helpdesk, locale="de")
    [asked] = await texts(shopper, "wie lange dauert der versand?")
    assert "Land" in asked  # which country?
    [answer] = await texts(shopper, "wohne in deutschland")
    assert "Deutschland" in answer and "?" not in answer[:40]


@pytest.mark.parametrize(
    "lang, question, yes",
    [
        ("it", "dov'è il mio ordine 10018?", "si grazie"),
        ("en", "where is order #10018?", "yes. a real human, now"),
        ("pt", "cadê meu pedido 10018?", "sim, quero que alguem veja isso"),
    ],
)
async def test_yes_to_the_offer_of_a_person_hands_over_in_any_language(
    helpdesk, lang, question, yes
):
    shopper = await open_session(helpdesk, locale=lang)
    await shopper.say(question)
    late = (await shopper.say("28013"))["messages"][0]
    assert late["buttons"][0]["payload"] == "/human_handoff"  # the late order offers a person
    assert (await shopper.say(yes))["state"] == "queued"
