"""Every language has English's texts and placeholders; the bot's responses all have a text."""

from __future__ import annotations

import re
import string

import pytest
import yaml

from helpdesk.languages.locales import Locales
from helpdesk.settings import PROJECT_ROOT

LOCALES = Locales.load(PROJECT_ROOT / "locales")
ENGLISH = LOCALES.texts["en"]


def placeholders(entry: dict) -> set[str]:
    parts = [
        entry["text"],
        *(value for button in entry.get("buttons", []) for value in button.values()),
    ]
    return {name for part in parts for _, name, _, _ in string.Formatter().parse(part) if name}


@pytest.mark.parametrize("lang", [lang for lang in LOCALES.languages if lang != "en"])
def test_every_locale_has_englishs_keys_and_placeholders(lang):
    texts = LOCALES.texts[lang]
    assert sorted(set(ENGLISH) - set(texts)) == [], f"locales/{lang}.yml lacks these keys"
    assert sorted(set(texts) - set(ENGLISH)) == [], f"locales/{lang}.yml has keys English lacks"
    for key, entry in texts.items():
        assert placeholders(entry) == placeholders(ENGLISH[key]), f"{lang}.yml {key}"
        payloads = [button["payload"] for button in entry.get("buttons", [])]
        english = [button["payload"] for button in ENGLISH[key].get("buttons", [])]
        assert payloads == english, f"{lang}.yml {key}: a button does what English's doesn't"


def test_every_bot_response_names_its_locale_text():
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain.yml").read_text())
    for name, variants in domain["responses"].items():
        assert variants == [{"text": f"locales:{name}"}], name
        assert name in ENGLISH, f"bot/domain.yml response {name} has no text in locales/en.yml"


def test_every_intent_has_a_label_for_did_you_mean():
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain.yml").read_text())
    assert [i for i in domain["intents"] if f"intent_{i}" not in ENGLISH] == []


def test_render_fills_placeholders_and_falls_back_to_english():
    locales = Locales({"en": {"hello": {"text": "Order #{order_number}"}}, "es": {}})
    rendered = locales.render("hello", "es", {"order_number": "10045"})
    assert (rendered.text, rendered.lang) == ("Order #10045", "en")


def test_a_missing_variable_stays_visible_instead_of_failing():
    locales = Locales({"en": {"hello": {"text": "Order #{order_number}"}}})
    assert locales.render("hello", "en").text == "Order #{order_number}"


def test_key_variables_are_shown_as_their_text_in_the_same_language():
    rendered = LOCALES.render(
        "utter_ask_affirmation",
        "en",
        {"intent": "order_status", "intent_key": "intent_order_status"},
    )
    assert rendered.text == "Just to be sure: is it about where your order is?"
    assert rendered.buttons[0] == {"title": "Yes", "payload": "/order_status"}


@pytest.mark.parametrize("lang", ["en", "es", "pt", "fr", "de", "it", "zh"])
def test_did_you_mean_names_both_topics_in_the_shoppers_language(lang):
    variables = {
        "first": "cancel_order",
        "second": "refund_status",
        "first_key": "intent_cancel_order",
        "second_key": "intent_refund_status",
    }
    rendered = LOCALES.render("utter_ask_which", lang, variables)
    first = LOCALES.render("intent_cancel_order", lang).text
    second = LOCALES.render("intent_refund_status", lang).text
    assert rendered.lang == lang and first in rendered.text and second in rendered.text
    assert [b["payload"] for b in rendered.buttons] == [
        "/cancel_order",
        "/refund_status",
        "/out_of_scope",
    ]
    assert rendered.buttons[0]["title"] == first[:1].upper() + first[1:]


def test_every_response_an_action_utters_has_a_text():
    sources = (PROJECT_ROOT / "bot" / "actions").glob("*.py")
    used = {name for path in sources for name in re.findall(r'response="(\w+)"', path.read_text())}
    assert used, "expected the actions to utter responses by name"
    assert sorted(used - set(ENGLISH)) == []


@pytest.mark.parametrize(
    "lang, count, said",
    [
        ("en", 1, "You have 1 point and"),
        ("en", 2, "You have 2 points and"),
        ("fr", 1, "Vous avez 1 point et"),
        ("fr", 0, "Vous avez 0 point et"),
        ("fr", 1500, "Vous avez 1\u202f500 points et"),
        ("de", 1, "Du hast 1 Punkt und"),
        ("pt", 1, "Você tem 1 ponto e"),
        ("zh", 1, "您目前有1积分"),
    ],
)
def test_counts_take_the_plural_of_their_language(lang, count, said):
    variables = {
        "balance": count,
        "tier": "Silver",
        "next_key": "loyalty_top_tier",
        "redeem_key": "loyalty_cannot_redeem_yet",
        "points_short": 2,
    }
    assert said in LOCALES.render("utter_loyalty_balance_answer", lang, variables).text


def test_a_name_given_by_language_is_shown_in_the_shoppers_or_english():
    silver = {"en": "Silver", "de": "Silber"}
    variables = {
        "balance": 5,
        "tier": silver,
        "next_key": "loyalty_next_tier",
        "next_tier": {"en": "Gold"},
        "points_to_next": 9,
        "redeem_key": "loyalty_cannot_redeem_yet",
        "points_short": 2,
    }
    assert "Stufe Silber" in LOCALES.render("utter_loyalty_balance_answer", "de", variables).text
    assert "Stufe Gold" in LOCALES.render("utter_loyalty_balance_answer", "de", variables).text
    assert "niveau Silver" in LOCALES.render("utter_loyalty_balance_answer", "fr", variables).text
