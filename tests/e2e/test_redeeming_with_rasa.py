"""Redeeming points through the chat API and the real trained bot (issue 15): the shopper asks
in their own words, proves an order, hears what the balance buys, says yes (a button or words)
and gets a code of the pool; a no, too few points and a dry pool spend nothing. (Twenty
redemptions at once are tests/loyalty/test_redemption.py's.)"""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from helpdesk.database import DB
from helpdesk.insights.events import ConversationEvent, EventKind
from helpdesk.loyalty.codes import CodeFile, add_codes
from helpdesk.orders.models import LoyaltyAccount
from helpdesk.web.keys import CLOCK
from tests.conftest import open_session

pytestmark = pytest.mark.rasa
YES, NO = "/redeem_points", "/deny"


async def stock(helpdesk, reward: str, *codes: str) -> None:
    async with helpdesk.app[DB].session() as session:
        await add_codes(session, reward, CodeFile(codes, 0, 0), now=helpdesk.app[CLOCK].now())
        await session.commit()


async def balance(helpdesk, email: str) -> int:
    async with helpdesk.app[DB].session() as session:
        query = select(LoyaltyAccount.balance).where(LoyaltyAccount.email == email)
        return (await session.exec(query)).one()


async def redeemed(helpdesk, conversation_id: str) -> list[dict]:
    async with helpdesk.app[DB].session() as session:
        query = select(ConversationEvent).where(
            col(ConversationEvent.conversation_id) == conversation_id,
            col(ConversationEvent.kind) == EventKind.POINTS_REDEEMED,
        )
        return [event.detail for event in (await session.exec(query)).all()]


def said(answer: dict) -> str:
    return " ".join(message["text"] for message in answer["messages"])


def payloads(answer: dict) -> list[str]:
    return [b["payload"] for m in answer["messages"] for b in m.get("buttons") or []]


async def proved(helpdesk, lang: str, asking: str, number: str, proof: str):
    """A shopper who asked to redeem in `lang`, was asked for an order and its proof first,
    gave both, and was answered: (the shopper, that answer)."""
    shopper = await open_session(helpdesk, locale=lang)
    asked = await shopper.say(asking)
    assert number not in said(asked) and payloads(asked) == [], said(asked)  # nothing shown yet
    await shopper.say(number)
    answer = await shopper.say(proof)
    assert all(message["lang"] == lang for message in answer["messages"])
    return shopper, answer


# (language, words, order, proof, customer, reward, what the offer and the code say)
REDEMPTIONS = [
    (
        "en",
        "can i use my points now please",
        "10023",
        "SW1A 1AA",
        "oliver.smith@example.com",
        "gbp_20_off",
        ("You have 1,260 points", "£20.00"),
    ),
    (
        "fr",
        "je voudrais utiliser mes points maintenant",
        "10026",
        "camille.martin@example.com",
        "camille.martin@example.com",
        "eur_50_off",
        ("Vous avez 1\u202f110 points", "50,00\xa0€"),
    ),
    (
        "pt",
        "quero resgatar os meus pontos",
        "10027",
        "1250-096",
        "joao.silva@example.com",
        "eur_25_off",
        ("Você tem 570 pontos", "25,00"),
    ),
]


@pytest.mark.parametrize(
    ("lang", "words", "number", "proof", "email", "reward", "facts"),
    REDEMPTIONS,
    ids=[r[0] for r in REDEMPTIONS],
)
async def test_a_proved_shopper_redeems_points_for_a_code_in_their_language(
    helpdesk, lang, words, number, proof, email, reward, facts
):
    await stock(helpdesk, reward, f"{reward.upper()}-FIRST", f"{reward.upper()}-SECOND")
    before = await balance(helpdesk, email)
    shopper, offer = await proved(helpdesk, lang, words, number, proof)
    assert payloads(offer) == [YES, NO], said(offer)
    for fact in facts:
        assert fact in said(offer), said(offer)
    assert await balance(helpdesk, email) == before  # asking spends nothing
    # English types its yes; the others press the button.
    done = await shopper.say("yes please" if lang == "en" else YES)
    assert f"{reward.upper()}-FIRST" in said(done), said(done)
    assert facts[1] in said(done)
    spent = before - await balance(helpdesk, email)
    assert spent in (500, 1000)
    assert await redeemed(helpdesk, shopper.session_id) == [{"reward": reward, "points": spent}]


async def test_a_no_to_the_offer_spends_nothing(helpdesk):
    await stock(helpdesk, "usd_25_off", "USD25-ONLY")
    shopper, offer = await proved(
        helpdesk,
        "en",
        "i'd like to swap my points for a voucher",
        "10005",
        "emma.johnson@example.com",
    )
    assert payloads(offer) == [YES, NO], said(offer)
    answer = await shopper.say("no thanks, i'll keep them")
    assert "haven't touched your points" in said(answer), said(answer)
    assert await balance(helpdesk, "emma.johnson@example.com") == 2490
    assert await redeemed(helpdesk, shopper.session_id) == []


async def test_too_few_points_say_how_many_are_missing(helpdesk):
    _, answer = await proved(helpdesk, "es", "quiero canjear mis puntos ya", "10020", "28013")
    assert "Tienes 340 puntos" in said(answer) and "te faltan 160 puntos" in said(answer)
    assert YES not in payloads(answer)


async def test_a_dry_pool_spends_nothing_and_offers_a_person(helpdesk):
    # Sanne (NL, 1790 points) is offered the 50 € code, whose pool the shop never filled.
    shopper, offer = await proved(
        helpdesk, "de", "ich will jetzt meine punkte einlösen", "10004", "1017CE"
    )
    assert payloads(offer) == [YES, NO], said(offer)
    dry = await shopper.say(YES)
    assert "aufgebraucht" in said(dry) and payloads(dry) == ["/human_handoff", NO], said(dry)
    assert await balance(helpdesk, "sanne.devries@example.com") == 1790
    handed = await shopper.say("ja bitte")
    assert handed["state"] == "queued", handed
