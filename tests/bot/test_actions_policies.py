"""Policy answers computed by actions for the shopper's market, and resuming a question."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.loyalty import ActionLoyaltyProgram
from bot.actions.returns import ActionReturnPolicy
from bot.actions.services import ShopServices, use_services
from bot.actions.shipping import ActionShippingInfo
from bot.actions.topics import ActionContinue
from helpdesk.chat.models import Conversation
from helpdesk.database import Database
from helpdesk.languages.locales import Locales
from helpdesk.orders.models import LoyaltyAccount, Order
from helpdesk.orders.verification import Proof, identity_signature, verify_identity, verify_order
from helpdesk.policies.store import PolicyStore
from helpdesk.settings import PROJECT_ROOT

LOCALES = Locales.load(PROJECT_ROOT / "locales")


@pytest.fixture
def policies(tmp_path):
    directory = tmp_path / "policies"
    shutil.copytree(PROJECT_ROOT / "policies", directory)
    store = PolicyStore(directory)
    assert store.reload()
    return store


@pytest.fixture
async def shop(settings, policies, tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'shop.db'}")
    await database.upgrade()
    services = ShopServices(settings=settings, database=database, policies=policies)
    with use_services(services):
        yield services
    await database.close()


def tracker(
    slots: dict,
    intent: str = "return_policy",
    entities: list | None = None,
    events: list | None = None,
) -> Tracker:
    latest = {"text": "…", "intent": {"name": intent}, "entities": entities or []}
    return Tracker("c1", slots, latest, events or [], False, None, None, "action_listen")


def asked_then_side_question(question: str) -> list[dict]:
    """The events of: the shopper asks about an order, the bot asks `question`, the shopper
    asks something else."""
    return [
        {"event": "user", "text": "where is my order 10018"},
        {"event": "bot", "text": None, "metadata": {"utter_action": question}},
        {"event": "user", "text": "do you ship express to spain?"},
    ]


async def run(action, state: Tracker) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, state, {})
    return dispatcher.messages, events


def said(messages: list[dict], lang: str = "en") -> str:
    variables = {
        k: v
        for k, v in messages[0].items()
        if k
        not in {
            "response",
            "text",
            "buttons",
            "elements",
            "custom",
            "template",
            "image",
            "attachment",
        }
    }
    return LOCALES.render(messages[0]["response"], lang, variables).text


async def test_without_a_country_the_bot_asks_for_it_and_remembers_the_topic(shop):
    messages, events = await run(ActionReturnPolicy(), tracker({}))
    assert said(messages) == "Which country are you in? It matters for our return rules."
    assert events == [SlotSet("topic", "return_policy")]


async def test_an_open_proof_question_is_asked_again_after_a_side_question(shop):
    slots = {"country": "Spain", "topic": "order_status", "order_number": "10018"}
    state = tracker(slots, events=asked_then_side_question("utter_ask_verification"))
    messages, events = await run(ActionReturnPolicy(), state)
    assert said(messages).startswith("In Spain you can return items")
    assert messages[1]["response"] == "utter_ask_verification"
    assert messages[1]["order_number"] == "10018"
    assert events == [SlotSet("answered", "return_policy")]  # the order question stays open


async def test_an_open_order_number_question_is_asked_again_after_a_side_question(shop):
    slots = {"country": "Spain", "topic": "cancel_order"}
    state = tracker(slots, events=asked_then_side_question("utter_ask_order_number"))
    messages, _ = await run(ActionReturnPolicy(), state)
    assert [m["response"] for m in messages][1:] == ["utter_ask_order_number"]


async def test_an_order_question_asked_long_ago_is_not_asked_again(shop):
    slots = {"country": "Spain", "topic": "order_status", "order_number": "10018"}
    state = tracker(slots, events=asked_then_side_question("utter_order_status_shipped"))
    messages, events = await run(ActionReturnPolicy(), state)
    assert len(messages) == 1
    assert events == [SlotSet("answered", "return_policy"), SlotSet("topic", None)]


async def test_germany_gets_its_override_in_the_shoppers_words(shop):
    messages, events = await run(ActionReturnPolicy(), tracker({"country": "Alemania"}))
    text = said(messages)
    assert text.startswith("In Germany you can return items within 60 days of delivery")
    assert "Returns are free" in text and "underwear and swimwear (hygiene)" in text
    assert events == [SlotSet("answered", "return_policy"), SlotSet("topic", None)]


async def test_the_uk_pays_for_its_label_in_pounds(shop):
    messages, _ = await run(ActionReturnPolicy(), tracker({"country": "UK"}))
    assert "£" in said(messages)


async def test_an_edited_policy_file_changes_the_answer(shop, policies):
    returns = policies.directory / "returns.yml"
    returns.write_text(returns.read_text().replace("window_days: 60", "window_days: 45"))
    policies.reload()
    messages, _ = await run(ActionReturnPolicy(), tracker({"country": "DE"}))
    assert "within 45 days" in said(messages)


async def test_a_bare_country_resumes_the_return_question(shop):
    dispatcher = CollectingDispatcher()
    await ActionContinue().run(
        dispatcher, tracker({"topic": "return_policy", "country": "France"}, intent="inform"), {}
    )
    assert said(dispatcher.messages).startswith("In France you can return items within 30 days")


async def test_another_country_after_an_answer_answers_it_again_for_that_country(shop):
    dispatcher = CollectingDispatcher()
    france = [{"entity": "country", "value": "francia"}]
    slots = {"answered": "return_policy", "country": "francia"}
    await ActionContinue().run(dispatcher, tracker(slots, intent="inform", entities=france), {})
    assert said(dispatcher.messages).startswith("In France you can return items within 30 days")


async def test_a_country_with_nothing_answered_before_asks_about_shipping_there(shop):
    dispatcher = CollectingDispatcher()
    france = [{"entity": "country", "value": "France"}]
    slots = {"country": "France"}
    await ActionContinue().run(dispatcher, tracker(slots, intent="inform", entities=france), {})
    assert dispatcher.messages[0]["response"] == "utter_shipping_answer"


async def sign_in_ana(shop) -> None:
    """Ana (DE, order 10045) is signed in to conversation c1."""
    placed = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    async with shop.database.session() as session:
        session.add(Conversation(id="c1", token_hash="t", shop="s", lang="en"))
        session.add(
            Order(
                number="10045",
                email="ana@example.com",
                postal_code="10115",
                country="DE",
                currency="EUR",
                total=Decimal("59.90"),
                placed_at=placed,
            )
        )
        await session.commit()
        await verify_identity(
            session,
            "c1",
            email="ana@example.com",
            now=placed,
            secret="k",
            signature=identity_signature("k", "ana@example.com"),
        )


async def test_a_signed_in_customer_is_answered_for_the_country_of_their_orders(shop):
    await sign_in_ana(shop)
    messages, _ = await run(ActionReturnPolicy(), tracker({}))
    assert said(messages).startswith("In Germany you can return items within 60 days")


async def test_the_order_the_chat_is_about_gives_the_country_once_proved(shop):
    """ "Do I pay the return postage?" after the answer about order 10077 (to France): the
    French rules, without asking the country again; not before the order is proved."""
    placed = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    async with shop.database.session() as session:
        session.add(Conversation(id="c1", token_hash="t", shop="s", lang="en"))
        order = Order(
            number="10077",
            email="luc@example.com",
            postal_code="75011",
            country="FR",
            currency="EUR",
            total=Decimal("80.00"),
            placed_at=placed,
        )
        session.add(order)
        await session.commit()
    about_it = {"order_number": "10077"}
    messages, _ = await run(ActionReturnPolicy(), tracker(about_it))
    assert messages[0]["response"] == "utter_ask_country"
    async with shop.database.session() as session:
        proof = Proof("10077", email="luc@example.com")
        assert await verify_order(session, "c1", proof, now=placed) is not None
    messages, _ = await run(ActionReturnPolicy(), tracker(about_it))
    assert said(messages).startswith("In France you can return items within 30 days")


async def test_a_signed_in_customer_asking_how_points_work_also_hears_their_own(shop):
    await sign_in_ana(shop)
    async with shop.database.session() as session:
        session.add(LoyaltyAccount(email="ana@example.com", country="DE", balance=640))
        await session.commit()
    messages, _ = await run(ActionLoyaltyProgram(), tracker({}, intent="loyalty_program"))
    assert [m["response"] for m in messages] == [
        "utter_loyalty_program_answer",
        "utter_loyalty_balance_answer",
    ]
    assert messages[1]["balance"] == 640


async def test_a_stranger_asking_how_points_work_hears_only_the_rules(shop):
    slots = {"country": "Germany"}
    messages, _ = await run(ActionLoyaltyProgram(), tracker(slots, intent="loyalty_program"))
    assert [m["response"] for m in messages] == ["utter_loyalty_program_answer"]


async def test_an_open_country_question_is_asked_again_after_a_side_question(shop):
    slots = {"country": "Angola", "topic": "loyalty_program"}  # asked for the points programme
    state = tracker(
        slots, intent="shipping_info", events=asked_then_side_question("utter_ask_country")
    )
    messages, events = await run(ActionShippingInfo(), state)
    assert messages[0]["response"] == "utter_shipping_not_served"
    assert (messages[1]["response"], messages[1]["topic_key"]) == (
        "utter_ask_country",
        "intent_loyalty_program",
    )
    assert events == [SlotSet("answered", "shipping_info")]  # the country question stays open
