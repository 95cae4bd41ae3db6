"""The order-status action: verification first, then the status from the shop's data."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.orders import ActionOrderStatus
from bot.actions.services import use_services
from bot.actions.topics import ActionContinue
from helpdesk.languages.locales import Locales
from helpdesk.orders.models import Order, OrderItem, OrderStatus, Shipment
from helpdesk.orders.verification import identity_signature, verify_identity
from helpdesk.policies.store import PolicyStore
from helpdesk.settings import PROJECT_ROOT
from tests.support.shop import shop_for_actions

LOCALES = Locales.load(PROJECT_ROOT / "locales")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
MESSAGE_FIELDS = {
    "response",
    "text",
    "buttons",
    "elements",
    "custom",
    "template",
    "image",
    "attachment",
}


def an_order(number, status, email="ana@example.com", postal="28013", placed=date(2026, 11, 10)):
    return Order(
        number=number,
        email=email,
        postal_code=postal,
        country="ES",
        currency="EUR",
        total=Decimal("89.90"),
        placed_at=datetime.combine(placed, datetime.min.time(), UTC),
        status=status,
        shipping_option="standard",
    )


async def three_orders(session, _policies) -> None:
    in_transit = an_order("10045", OrderStatus.IN_TRANSIT)
    late = an_order("10046", OrderStatus.IN_TRANSIT, placed=date(2026, 10, 1))
    session.add_all(
        [in_transit, late, an_order("10047", OrderStatus.PAID, placed=date(2026, 11, 19))]
    )
    await session.flush()
    session.add_all(
        [
            OrderItem(
                order_id=in_transit.id,
                sku="SN-1",
                name="Sneakers",
                quantity=1,
                unit_price=Decimal("89.90"),
            ),
            Shipment(
                order_id=in_transit.id,
                carrier="dhl",
                tracking_number="JD0146",
                shipped_on=date(2026, 11, 12),
                estimated_delivery=date(2026, 11, 21),
            ),
            Shipment(
                order_id=late.id,
                carrier="dhl",
                tracking_number="JD0999",
                shipped_on=date(2026, 10, 3),
                estimated_delivery=date(2026, 10, 8),
            ),
        ]
    )
    await session.commit()


@pytest.fixture
async def shop(settings, tmp_path):
    async with shop_for_actions(settings, tmp_path, NOW, three_orders) as services:
        yield services


def tracker(slots: dict | None = None, entities: list | None = None, text: str = "…") -> Tracker:
    latest = {"text": text, "intent": {"name": "order_status"}, "entities": entities or []}
    return Tracker("c1", slots or {}, latest, [], False, None, None, "action_listen")


async def run(state: Tracker) -> tuple[str, str, list]:
    dispatcher = CollectingDispatcher()
    events = await ActionOrderStatus().run(dispatcher, state, {})
    [message] = dispatcher.messages
    variables = {k: v for k, v in message.items() if k not in MESSAGE_FIELDS}
    return message["response"], LOCALES.render(message["response"], "en", variables).text, events


async def test_no_number_asks_for_it(shop):
    response, _, events = await run(tracker())
    assert response == "utter_ask_order_number" and events == [SlotSet("topic", "order_status")]


async def test_a_number_alone_asks_for_the_email_or_postal_code(shop):
    response, text, _ = await run(tracker({"order_number": "10045"}))
    assert response == "utter_ask_verification" and "#10045" in text


async def test_number_and_email_tell_the_status_carrier_link_and_window(shop):
    response, text, events = await run(
        tracker({"order_number": "10045", "email": "ANA@example.com"})
    )
    assert response == "utter_order_in_transit"
    assert "on its way with DHL Express (tracking number JD0146)" in text
    assert "JD0146" in text.split("https://")[1]
    assert "November 21, 2026" in text
    assert SlotSet("topic", None) in events


async def test_a_carriers_one_day_estimate_is_said_as_one_day(shop):
    _, text, _ = await run(tracker({"order_number": "10045", "email": "ana@example.com"}))
    assert text.endswith("It should arrive on November 21, 2026.")


async def test_a_bare_postal_code_answering_the_question_verifies(shop):
    response, _, _ = await run(
        tracker({"order_number": "10045", "topic": "order_status"}, text="28013")
    )
    assert response == "utter_order_in_transit"


async def test_a_wrong_email_never_says_which_half_was_wrong(shop):
    wrong_email = await run(tracker({"order_number": "10045", "email": "x@example.com"}))
    no_order = await run(tracker({"order_number": "19999", "email": "ana@example.com"}))
    assert wrong_email[0] == no_order[0] == "utter_verification_failed"
    assert SlotSet("email", None) in wrong_email[2]
    # The number stays: the shopper sends only the proof again, or only a corrected number.
    assert SlotSet("order_number", "10045") in wrong_email[2]


async def test_five_failures_lock_further_attempts(shop):
    for _ in range(5):
        await run(tracker({"order_number": "10045", "email": "x@example.com"}))
    response, _, _ = await run(tracker({"order_number": "10045", "email": "ana@example.com"}))
    assert response == "utter_verification_locked"


async def test_a_late_order_says_so_and_offers_a_person(shop):
    response, text, _ = await run(tracker({"order_number": "10046", "postal_code": "28013"}))
    assert response == "utter_order_delayed"
    assert "running late" in text and "October 8, 2026" in text


async def test_a_paid_order_gets_the_policy_delivery_window(shop):
    response, text, _ = await run(tracker({"order_number": "10047", "email": "ana@example.com"}))
    assert response == "utter_order_paid" and "should arrive between" in text


async def test_a_correction_beats_the_remembered_number(shop):
    entities = [{"entity": "order_number", "value": "10047"}]
    response, text, _ = await run(
        tracker(
            {"order_number": "10045", "email": "ana@example.com"},
            entities=entities,
            text="sorry, it's order 10047",
        )
    )
    assert response == "utter_order_paid" and "#10047" in text


async def test_a_logged_in_customer_is_not_asked_anything(shop):
    async with shop.database.session() as session:
        await verify_identity(
            session,
            "c1",
            email="ana@example.com",
            now=NOW,
            secret="k",
            signature=identity_signature("k", "ana@example.com"),
        )
    response, text, _ = await run(tracker())
    assert response == "utter_order_paid" and "#10047" in text  # the most recent order


async def test_a_bare_order_number_with_no_open_question_is_about_that_order(shop):
    dispatcher = CollectingDispatcher()
    state = tracker(
        {"order_number": "10045"}, entities=[{"entity": "order_number", "value": "10045"}]
    )
    await ActionContinue().run(dispatcher, state, {})
    assert dispatcher.messages[0]["response"] == "utter_ask_verification"


async def test_right_after_asking_a_bare_number_is_the_order_number(shop):
    response, text, _ = await run(tracker({"topic": "order_status"}, text="10045"))
    assert response == "utter_ask_verification" and "#10045" in text


async def test_the_order_number_tagged_as_a_zip_code_is_no_proof(shop):
    entities = [{"entity": "postal_code", "value": "10045"}]
    response, _, _ = await run(
        tracker({"topic": "order_status", "postal_code": "10045"}, entities=entities, text="10045")
    )
    assert response == "utter_ask_verification"


async def test_never_mind_drops_the_open_question(shop):
    from bot.actions.topics import ActionStop

    dispatcher = CollectingDispatcher()
    events = ActionStop().run(dispatcher, tracker({"topic": "order_status", "email": "x@y.z"}), {})
    assert dispatcher.messages[0]["response"] == "utter_ok_stopped"
    assert SlotSet("topic", None) in events and SlotSet("email", None) in events
    assert SlotSet("answered", None) in events  # "and for france?" resumes nothing either


async def test_a_used_proof_is_forgotten_so_it_is_not_tried_on_the_next_order(shop):
    _, _, events = await run(tracker({"order_number": "10045", "postal_code": "28013"}))
    assert SlotSet("postal_code", None) in events and SlotSet("email", None) in events


@pytest.mark.parametrize(
    "action", ["order_status", "refund_status", "start_return", "loyalty_balance"]
)
async def test_without_valid_policies_every_order_question_ends_the_same_way(
    shop, action, tmp_path
):
    from bot.actions.loyalty import ActionLoyaltyBalance
    from bot.actions.refunds import ActionRefundStatus
    from bot.actions.returns import ActionStartReturn

    classes = {
        "order_status": ActionOrderStatus,
        "refund_status": ActionRefundStatus,
        "start_return": ActionStartReturn,
        "loyalty_balance": ActionLoyaltyBalance,
    }
    broken = tmp_path / "broken-policies"  # started with a broken file: nothing valid to serve
    shutil.copytree(PROJECT_ROOT / "policies", broken)
    (broken / "returns.yml").write_text("not: [valid", encoding="utf-8")
    store = PolicyStore(broken)
    assert not store.reload()
    dispatcher = CollectingDispatcher()
    with use_services(replace(shop, policies=store)):
        events = await classes[action]().run(
            dispatcher,
            tracker({"order_number": "10045", "email": "ana@example.com", "topic": action}),
            {},
        )
    assert [m["response"] for m in dispatcher.messages] == ["utter_policies_unavailable"]
    assert events[-1] == SlotSet("topic", None)  # the open question ends
