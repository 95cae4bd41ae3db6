"""Redeeming points in the chat, run as Rasa would run the action: proof first, an offer of
what the balance buys, points spent only on the yes to it, and clear answers when they can't be."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlmodel import col, select

from bot.actions.redemption import ActionRedeemPoints
from bot.actions.topics import ActionStop
from helpdesk.insights.events import ConversationEvent, EventKind
from helpdesk.languages.locales import Locales
from helpdesk.loyalty.codes import CodeFile, add_codes
from helpdesk.loyalty.models import LoyaltyCode
from helpdesk.orders.models import LoyaltyAccount, Order
from helpdesk.settings import PROJECT_ROOT
from tests.support.shop import shop_for_actions

LOCALES = Locales.load(PROJECT_ROOT / "locales")
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
FIELDS = {"response", "text", "buttons", "elements", "custom", "template", "image", "attachment"}
EMAIL, NUMBER = "ines@example.com", "10100"


@pytest.fixture
async def shop(settings, tmp_path):
    async def one_member(session, policies):
        session.add(
            Order(
                number=NUMBER,
                email=EMAIL,
                postal_code="28013",
                country="ES",
                currency="EUR",
                total=Decimal("100.00"),
                placed_at=NOW,
                status="delivered",
            )
        )
        session.add(
            LoyaltyAccount(
                email=EMAIL,
                country="ES",
                balance=1200,
                points_last_12_months=1200,
                last_activity=date(2026, 11, 1),
            )
        )
        codes = CodeFile(("NORD25-A", "NORD25-B"), 0, 0)
        await add_codes(session, "eur_25_off", codes, now=NOW)
        await add_codes(session, "eur_50_off", CodeFile(("NORD50-A",), 0, 0), now=NOW)
        await session.commit()

    async with shop_for_actions(settings, tmp_path, NOW, one_member) as services:
        yield services.database


def tracker(slots: dict, *, text: str = "use my points", intent: str = "redeem_points", said=None):
    """The shopper's `text` read as `intent`, right after the bot said `said` (if anything)."""
    events = []
    if said:
        events.append({"event": "bot", "text": "…", "metadata": {"utter_action": said}})
    events.append({"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}})
    latest = {"text": text, "intent": {"name": intent}, "entities": []}
    return Tracker("c1", slots, latest, events, False, None, None, "action_listen")


PROVEN = {"order_number": NUMBER, "email": EMAIL}


async def run(state: Tracker, action=None) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    events = await (action or ActionRedeemPoints()).run(dispatcher, state, {})
    return dispatcher.messages, events


def text_of(message: dict, lang: str = "en") -> str:
    variables = {k: v for k, v in message.items() if k not in FIELDS}
    return LOCALES.render(message["response"], lang, variables).text


def slot(events: list, name: str):
    return [e["value"] for e in events if e.get("name") == name][-1]


async def balance(database) -> int:
    async with database.session() as session:
        query = select(LoyaltyAccount.balance).where(LoyaltyAccount.email == EMAIL)
        return (await session.exec(query)).one()


async def set_balance(database, points: int) -> None:
    async with database.session() as session:
        account = (
            await session.exec(select(LoyaltyAccount).where(LoyaltyAccount.email == EMAIL))
        ).one()
        account.balance = points
        session.add(account)
        await session.commit()


async def test_an_unproved_shopper_is_asked_for_the_order_first(shop):
    [asked], events = await run(tracker({}))
    assert asked["response"] == "utter_ask_order_number"
    assert slot(events, "topic") == "redeem_points"  # the bare number comes back here
    assert await balance(shop) == 1200


async def test_the_offer_lists_what_the_balance_buys_and_asks_first(shop):
    [offer], events = await run(tracker(PROVEN))
    assert offer["response"] == "utter_redeem_offer"
    assert (offer["points"], offer["discount"]) == (1000, "50.00 EUR")  # the dearest it buys
    english = text_of(offer)
    assert "You have 1,200 points" in english
    assert "a €25.00 code for 500 points and a €50.00 code for 1,000 points" in english
    rendered = LOCALES.render("utter_redeem_offer", "es", {})
    assert [b["payload"] for b in rendered.buttons] == ["/redeem_points", "/deny"]
    assert "50,00\xa0€" in text_of(offer, "es")
    assert slot(events, "redeem_offered") == "eur_50_off"
    assert await balance(shop) == 1200  # nothing spent on the asking


async def test_the_yes_to_the_offer_spends_the_points_and_gives_the_code(shop):
    yes = tracker(
        {**PROVEN, "redeem_offered": "eur_50_off"}, text="/redeem_points", said="utter_redeem_offer"
    )
    [done], events = await run(yes)
    assert done["response"] == "utter_redeem_done"
    assert (done["code"], done["points"], done["balance"]) == ("NORD50-A", 1000, 200)
    assert "Your €50.00 discount code is NORD50-A" in text_of(done)
    assert "you have 200 left" in text_of(done)
    assert slot(events, "redeem_offered") is None
    assert await balance(shop) == 200
    async with shop.session() as session:
        logged = (
            await session.exec(
                select(ConversationEvent).where(
                    col(ConversationEvent.kind) == EventKind.POINTS_REDEEMED
                )
            )
        ).all()
    assert [(e.conversation_id, e.detail["reward"]) for e in logged] == [("c1", "eur_50_off")]


async def test_words_that_read_as_redeeming_are_no_yes(shop):
    again = tracker({**PROVEN, "redeem_offered": "eur_50_off"}, said="utter_redeem_offer")
    [offer], _ = await run(again)
    assert offer["response"] == "utter_redeem_offer"
    assert await balance(shop) == 1200


async def test_a_yes_long_after_the_offer_asks_again(shop):
    late = tracker(
        {**PROVEN, "redeem_offered": "eur_50_off"}, text="/redeem_points", said="utter_greet"
    )
    [offer], _ = await run(late)
    assert offer["response"] == "utter_redeem_offer"
    assert await balance(shop) == 1200


async def test_a_no_to_the_offer_spends_nothing(shop):
    no = tracker(
        {**PROVEN, "redeem_offered": "eur_50_off"},
        text="/deny",
        intent="deny",
        said="utter_redeem_offer",
    )
    [said], events = await run(no)
    assert said["response"] == "utter_redeem_declined"
    assert slot(events, "redeem_offered") is None
    assert await balance(shop) == 1200


async def test_a_no_after_anything_else_has_nothing_to_decline(shop):
    no = tracker({}, text="/deny", intent="deny", said="utter_redeem_sold_out")
    [said], _ = await run(no)
    assert said["response"] == "utter_how_can_i_help"


async def test_too_few_points_say_how_many_are_missing(shop):
    await set_balance(shop, 340)
    [said], events = await run(tracker(PROVEN))
    assert said["response"] == "utter_redeem_not_enough"
    assert (said["points_short"], said["points"]) == (160, 500)
    assert "you need 160 more points" in text_of(said)
    assert "te faltan 160 puntos" in text_of(said, "es")
    assert slot(events, "redeem_offered") is None


async def test_points_spent_meanwhile_give_the_missing_points_and_spend_nothing(shop):
    await set_balance(shop, 600)  # enough for the 25 € code only
    yes = tracker(
        {**PROVEN, "redeem_offered": "eur_25_off"}, text="/redeem_points", said="utter_redeem_offer"
    )
    [done], _ = await run(yes)
    assert (done["response"], done["code"]) == ("utter_redeem_done", "NORD25-A")
    await set_balance(shop, 100)  # another tab spent them
    [offer_or_short], _ = await run(yes)
    assert offer_or_short["response"] == "utter_redeem_not_enough"
    assert await balance(shop) == 100


async def test_a_dry_pool_says_so_spends_nothing_and_offers_a_person(shop):
    async with shop.session() as session:
        for code in (await session.exec(select(LoyaltyCode))).all():
            await session.delete(code)  # the pool ran dry
        await session.commit()
    yes = tracker(
        {**PROVEN, "redeem_offered": "eur_50_off"}, text="/redeem_points", said="utter_redeem_offer"
    )
    [said], _ = await run(yes)
    assert said["response"] == "utter_redeem_sold_out"
    assert "run out of €50.00 codes" in text_of(said)
    rendered = LOCALES.render("utter_redeem_sold_out", "en", {"discount": "50.00 EUR"})
    assert [b["payload"] for b in rendered.buttons] == ["/human_handoff", "/deny"]
    assert await balance(shop) == 1200


async def test_never_mind_forgets_the_offer(shop):
    dispatcher = CollectingDispatcher()
    events = ActionStop().run(dispatcher, tracker({}), {})
    assert {"event": "slot", "timestamp": None, "name": "redeem_offered", "value": None} in events
