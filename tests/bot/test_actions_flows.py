"""Every order and policy flow, run as Rasa would run it, against the example shop's data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlmodel import select

from bot.actions.cancellation import ActionCancelOrder, ActionChangeOrder
from bot.actions.loyalty import ActionLoyaltyBalance, ActionLoyaltyProgram
from bot.actions.orders import ActionOrderStatus
from bot.actions.payments import ActionPaymentMethods
from bot.actions.refunds import ActionRefundStatus
from bot.actions.returns import ActionStartReturn
from bot.actions.shipping import ActionShippingInfo
from helpdesk.languages.locales import Locales
from helpdesk.orders.demo import load_demo_shop
from helpdesk.orders.models import Order, OrderReturn
from helpdesk.settings import PROJECT_ROOT
from tests.support.shop import shop_for_actions

LOCALES = Locales.load(PROJECT_ROOT / "locales")
TODAY = date(2026, 11, 22)
FIELDS = {"response", "text", "buttons", "elements", "custom", "template", "image", "attachment"}


@pytest.fixture
async def shop(settings, tmp_path):
    async def example_shop(session, policies):
        await load_demo_shop(session, policies, today=TODAY)

    async with shop_for_actions(
        settings, tmp_path, datetime(2026, 11, 22, 12, tzinfo=UTC), example_shop
    ) as services:
        yield services.database


async def order(database, status: str, **where) -> Order:
    async with database.session() as session:
        query = select(Order).where(Order.status == status)
        for field, value in where.items():
            query = query.where(getattr(Order, field) == value)
        return (await session.exec(query.order_by(Order.number))).first()


def proven(found: Order, **slots) -> Tracker:
    return tracker({"order_number": found.number, "email": found.email, **slots})


def tracker(slots: dict, entities: list | None = None) -> Tracker:
    latest = {"text": "…", "intent": {"name": "x"}, "entities": entities or []}
    return Tracker("c1", slots, latest, [], False, None, None, "action_listen")


async def run(action, state: Tracker) -> list[dict]:
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, state, {})
    if hasattr(result, "__await__"):
        await result
    return dispatcher.messages


def text_of(message: dict, lang: str = "en") -> str:
    variables = {k: v for k, v in message.items() if k not in FIELDS}
    return LOCALES.render(message["response"], lang, variables).text


def answering(question: str, intent: str, slots: dict, text: str = "/cancel_order") -> Tracker:
    """The shopper's `text`, read as `intent`, right after the bot said `question`."""
    events = [
        {"event": "bot", "text": "…", "metadata": {"utter_action": question}},
        {"event": "user", "text": "…", "parse_data": {"intent": {"name": intent}}},
    ]
    latest = {"text": text, "intent": {"name": intent}, "entities": []}
    return Tracker("c1", slots, latest, events, False, None, None, "action_listen")


async def test_an_unpaid_order_is_cancelled_by_the_bot_once_the_shopper_says_yes(shop):
    placed = await order(shop, "placed")
    [asked] = await run(ActionCancelOrder(), proven(placed))
    assert asked["response"] == "utter_confirm_cancel"
    assert (await order(shop, "placed", number=placed.number)) is not None  # not yet

    slots = {"order_number": placed.number, "email": placed.email}
    yes = answering(
        "utter_confirm_cancel", "cancel_order", {**slots, "cancel_offered": placed.number}
    )
    [said] = await run(ActionCancelOrder(), yes)
    assert said["response"] == "utter_order_cancelled_now"
    assert (await order(shop, "cancelled", number=placed.number)) is not None


async def test_a_yes_cancels_only_the_order_it_was_asked_about(shop):
    first, second = (await unpaid_orders(shop))[:2]
    slots = {"order_number": second.number, "email": second.email}
    # The bot asked about the first order; the shopper has since proven the second.
    yes = answering(
        "utter_confirm_cancel", "cancel_order", {**slots, "cancel_offered": first.number}
    )
    [asked] = await run(ActionCancelOrder(), yes)
    assert (asked["response"], asked["order_number"]) == ("utter_confirm_cancel", second.number)
    assert (await order(shop, "cancelled", number=first.number)) is None
    assert (await order(shop, "cancelled", number=second.number)) is None


async def test_a_yes_long_after_the_question_cancels_nothing(shop):
    placed = await order(shop, "placed")
    slots = {"order_number": placed.number, "email": placed.email}
    late = answering(
        "utter_how_can_i_help", "cancel_order", {**slots, "cancel_offered": placed.number}
    )
    [asked] = await run(ActionCancelOrder(), late)
    assert asked["response"] == "utter_confirm_cancel"
    assert (await order(shop, "cancelled", number=placed.number)) is None


async def test_words_read_as_cancelling_are_no_yes(shop):
    placed = await order(shop, "placed")
    slots = {"order_number": placed.number, "email": placed.email, "cancel_offered": placed.number}
    kept = answering("utter_confirm_cancel", "cancel_order", slots, "non finalement je la garde")
    [asked] = await run(ActionCancelOrder(), kept)
    assert asked["response"] == "utter_confirm_cancel"
    assert (await order(shop, "cancelled", number=placed.number)) is None


async def unpaid_orders(database) -> list[Order]:
    async with database.session() as session:
        query = select(Order).where(Order.status == "placed").order_by(Order.number)
        return list(await session.exec(query))


async def test_a_paid_order_goes_to_a_person_with_the_order_attached(shop):
    paid = await order(shop, "paid")
    said, signal = await run(ActionCancelOrder(), proven(paid))
    assert said["response"] == "utter_cancel_needs_person"
    assert signal["custom"]["escalate"]["order_number"] == paid.number
    assert signal["custom"]["escalate"]["reason"] == "cancel_order"


async def test_a_shipped_order_cannot_be_cancelled_or_changed(shop):
    shipped = await order(shop, "in_transit")
    [cancel] = await run(ActionCancelOrder(), proven(shipped))
    [change] = await run(ActionChangeOrder(), proven(shipped))
    assert (cancel["response"], change["response"]) == (
        "utter_cancel_too_late",
        "utter_change_too_late",
    )


async def test_starting_a_return_lists_reasons_and_registers_an_rma(shop):
    delivered = await order(shop, "delivered", number="10021")
    messages = await run(ActionStartReturn(), proven(delivered))
    said = messages[0]
    if said["response"].startswith("utter_ask_return_item"):  # the shopper picks the item
        sku = said["choices"][0]["payload"].split('"product": "')[1].rstrip('"}')
        entities = [{"entity": "product", "value": sku}]
        said = (
            await run(
                ActionStartReturn(),
                tracker(
                    {
                        "order_number": delivered.number,
                        "email": delivered.email,
                        "topic": "start_return",
                    },
                    entities,
                ),
            )
        )[0]
    assert said["response"] in {"utter_return_created", "utter_return_nothing_eligible"}
    if said["response"] == "utter_return_created":
        assert said["rma"].startswith(f"RMA-{delivered.number}-")
        assert "Returns are free" in text_of(said)
        async with shop.session() as session:
            assert (
                await session.exec(select(OrderReturn).where(OrderReturn.rma == said["rma"]))
            ).first()


async def test_an_order_not_yet_delivered_cannot_be_returned_yet(shop):
    async with shop.session() as session:
        in_transit = list(await session.exec(select(Order).where(Order.status == "in_transit")))
    texts = []
    for found in in_transit:
        [said] = await run(ActionStartReturn(), proven(found))
        assert said["response"] == "utter_return_nothing_eligible"
        texts.append(text_of(said))
    assert any("hasn't been delivered yet; you can return it within 30 days" in t for t in texts)
    assert any("Gift card can't be returned (gift cards)" in t for t in texts)


async def test_refund_status_follows_the_return(shop):
    async with shop.session() as session:
        returns = list(await session.exec(select(OrderReturn)))
        orders = {o.id: o for o in await session.exec(select(Order))}
    answers = set()
    for ret in returns:
        [said] = await run(ActionRefundStatus(), proven(orders[ret.order_id]))
        answers.add(said["response"])
        assert ret.rma in text_of(said)
    assert {"utter_refund_processing", "utter_refund_settled"} <= answers
    never_returned = await order(shop, "in_transit")
    [said] = await run(ActionRefundStatus(), proven(never_returned))
    assert said["response"] == "utter_refund_no_return"


async def test_shipping_to_brazil_lists_options_and_duties(shop):
    [said] = await run(ActionShippingInfo(), tracker({"country": "Brasil"}))
    text = text_of(said, "en")
    assert text.startswith("Shipping to Brazil: Standard with Correios")
    assert "R$" in text


async def test_payments_in_brazil_offer_instalments(shop):
    [said] = await run(ActionPaymentMethods(), tracker({"country": "Brazil"}))
    text = text_of(said)
    assert "Pix" in text and "instalments" in text and "BRL" in text


async def test_the_loyalty_programme_is_explained_for_the_market(shop):
    [said] = await run(ActionLoyaltyProgram(), tracker({"country": "Spain"}))
    assert "you earn 1 point per €1" in text_of(said)  # one point, not "1 points"
    assert "Gold (3000)" in text_of(said)


async def test_the_programme_reads_fully_in_the_shoppers_language(shop):
    [said] = await run(ActionLoyaltyProgram(), tracker({"country": "France"}))
    french = text_of(said, "fr")
    assert "vous gagnez 1 point par 1,00\xa0€" in french
    assert "Membre (0), Argent (1000) et Or (3000)" in french


async def test_payment_methods_are_named_in_the_shoppers_language(shop):
    [said] = await run(ActionPaymentMethods(), tracker({"country": "Germany"}))
    german = text_of(said, "de")
    assert "Kredit- oder Debitkarte (Visa, Mastercard, American Express)" in german
    assert "Credit" not in german and "PayPal" in german
    assert "Klarna (Zahlung in 30 Tagen oder in 3 Raten)" in german


async def test_points_need_proof_then_show_balance_and_tier(shop):
    [asked] = await run(ActionLoyaltyBalance(), tracker({}))
    assert asked["response"] == "utter_ask_order_number"
    customer_order = await order(shop, "delivered")
    [said, referral] = await run(ActionLoyaltyBalance(), proven(customer_order))
    assert said["response"] == "utter_loyalty_balance_answer"
    assert f"You have {said['balance']} points" in text_of(said)
    assert "Your points expire on " in text_of(said)
    assert referral["response"] == "utter_referral_code"
    code = referral["code"]
    assert f"https://atelier-nord.example/invite/{code}" in text_of(referral)
    [_, again] = await run(ActionLoyaltyBalance(), proven(customer_order))
    assert again["code"] == code  # the member's own code, kept


async def test_how_to_return_for_a_named_country_gives_its_rules_before_asking_the_order(shop):
    spain = [{"entity": "country", "value": "españa"}]
    [rules, asked] = await run(ActionStartReturn(), tracker({"country": "españa"}, spain))
    assert (rules["response"], rules["country"]) == ("utter_return_policy_answer", "ES")
    assert asked["response"] == "utter_ask_order_number"


async def test_a_return_with_no_country_named_asks_only_for_the_order(shop):
    [asked] = await run(ActionStartReturn(), tracker({}))
    assert asked["response"] == "utter_ask_order_number"


async def test_how_refunds_are_paid_asked_while_waiting_for_a_proof_keeps_the_thread(shop):
    paid = await order(shop, "paid")
    waiting = {"order_number": paid.number, "topic": "cancel_order"}
    state = answering("utter_ask_verification", "refund_status", waiting, text="my money back?")
    said = await run(ActionRefundStatus(), state)
    assert [m["response"] for m in said] == ["utter_refund_method", "utter_ask_verification"]
    assert "payment method you paid with" in text_of(said[0])
    events = await ActionRefundStatus().run(CollectingDispatcher(), state, {})
    assert {"event": "slot", "name": "topic", "value": "cancel_order"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


async def test_a_refund_question_with_a_proof_in_it_starts_the_refund_thread(shop):
    paid = await order(shop, "paid")
    waiting = {"order_number": paid.number, "topic": "cancel_order"}
    state = answering("utter_ask_verification", "refund_status", waiting, text="refund?")
    state.latest_message["entities"] = [{"entity": "email", "value": paid.email}]
    said = await run(ActionRefundStatus(), state)
    assert "utter_refund_method" not in [m["response"] for m in said]


async def test_where_the_order_number_is_asked_for_a_refund_keeps_the_refund_thread(shop):
    waiting = {"topic": "refund_status"}
    state = answering("utter_ask_order_number", "order_status", waiting, text="where is it?")
    dispatcher = CollectingDispatcher()
    events = await ActionOrderStatus().run(dispatcher, state, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_order_number"]
    assert {"event": "slot", "name": "topic", "value": "refund_status"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


async def test_an_item_named_in_the_shoppers_words_is_the_one_returned(shop):
    delivered = await order(shop, "delivered", number="10026")
    asked = await run(ActionStartReturn(), proven(delivered))
    titles = [choice["title"] for choice in asked[0]["choices"]]
    assert asked[0]["response"] == "utter_ask_return_item" and "Chelsea boots" in titles
    state = proven(delivered)
    state.latest_message["text"] = "je veux renvoyer les bottines chelsea, trop petites"
    [said] = await run(ActionStartReturn(), state)
    assert said["response"] == "utter_return_created" and said["item"] == "Chelsea boots"
