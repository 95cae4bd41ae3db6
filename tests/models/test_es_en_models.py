"""The small en<->es packages trained by scripts/train_translation_models.py, installed offline by
the product's own code and translating support sentences they were never trained on."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from helpdesk.app import NLU_DIR, create_app
from helpdesk.languages import argos
from helpdesk.languages.detection import LanguageDetector
from helpdesk.rasa.client import BotMessage
from helpdesk.settings import PROJECT_ROOT
from tests.conftest import open_session
from tests.support.fakes import FakeBot

# The first run trains the packages (a few minutes; longer on a busy machine), then reuses them.
pytestmark = [pytest.mark.models, pytest.mark.timeout(1800)]
CORPUS = PROJECT_ROOT / "scripts" / "translation_corpus" / "en_es.tsv"

# Held out: none of these is in the corpus (checked below); each must keep the word that
# carries its meaning.
ENGLISH_TO_SPANISH = [
    ("Your refund has been sent.", "reembolso"),
    ("Your package is on its way to the pickup point.", "paquete"),
    ("Your package was delivered on Monday.", "lunes"),
    ("You can return the red dress within 30 days.", "devolver"),
    ("What is your email address?", "correo"),
]
SPANISH_TO_ENGLISH = [
    ("Todavía no he recibido el reembolso del pedido.", "refund"),
    ("No he recibido mi paquete todavía.", "package"),
    ("Mi paquete llegó roto.", "broken"),
    ("Quiero hablar con una persona, por favor.", "person"),
    ("Gracias por tu ayuda, adiós.", "help"),
]


def corpus_sentences() -> set[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return {text for line in lines if not line.startswith("#") for text in line.split("\t")}


def test_the_sentences_below_are_held_out_of_the_training_corpus():
    held_out = {text for text, _ in ENGLISH_TO_SPANISH + SPANISH_TO_ENGLISH}
    assert not held_out & corpus_sentences()


def test_the_command_line_installs_a_trained_package_that_translates_offline(
    spanish_packages, tmp_path
):
    # A proxy that refuses every connection: a download anywhere would fail the test.
    offline = os.environ | {
        "VAR_DIR": str(tmp_path),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HF_HUB_OFFLINE": "1",
    }
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpdesk",
            "languages",
            "install",
            str(spanish_packages["es", "en"]),
        ],
        env=offline,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "installed es -> en" in installed.stdout
    translate = (
        "import sys; from pathlib import Path; from helpdesk.languages import argos; "
        "argos.configure(Path(sys.argv[1])); "
        "print(argos.ArgosEngine().translate('¿Dónde está mi paquete?', 'es', 'en'))"
    )
    translated = subprocess.run(
        [sys.executable, "-c", translate, str(tmp_path)],
        env=offline,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "package" in translated.stdout.lower()


@pytest.mark.parametrize(("english", "word"), ENGLISH_TO_SPANISH)
async def test_english_support_sentences_come_out_in_spanish(es_en_translator, english, word):
    result = await es_en_translator.translate(english, "en", "es")
    assert result.available and word in result.text.lower(), result.text


@pytest.mark.parametrize(("spanish", "word"), SPANISH_TO_ENGLISH)
async def test_spanish_support_sentences_come_out_in_english(es_en_translator, spanish, word):
    result = await es_en_translator.translate(spanish, "es", "en")
    assert result.available and word in result.text.lower(), result.text


async def test_order_numbers_survive_translation_both_ways(es_en_translator):
    spanish = await es_en_translator.translate("Order 58314 was delivered yesterday.", "en", "es")
    english = await es_en_translator.translate("¿Dónde está mi pedido 48213?", "es", "en")
    assert "58314" in spanish.text and "48213" in english.text, (spanish.text, english.text)


async def test_a_chinese_message_reaches_a_spanish_speaking_agent_through_english(es_en_translator):
    result = await es_en_translator.translate("我的订单在哪里？", "zh", "es")
    assert result.available and "pedido" in result.text.lower(), result.text


class EnglishOnlyBot(FakeBot):
    """Understands a question about an order in English, and nothing else."""

    async def send(
        self, conversation_id: str, text: str, metadata: dict[str, Any]
    ) -> list[BotMessage]:
        await super().send(conversation_id, text, metadata)
        understood = "order" in text.lower()
        return [BotMessage(key="utter_ask_order_number" if understood else "utter_out_of_scope")]


async def test_a_bot_without_spanish_data_understands_a_spanish_shopper(
    clock, es_en_translator, aiohttp_client, settings
):
    settings.nlu_languages = "en"  # this shop's bot was trained in English only
    bot = EnglishOnlyBot()
    detector = LanguageDetector.from_training_data(settings.languages, NLU_DIR)
    client = await aiohttp_client(
        create_app(settings, bot=bot, detector=detector, translator=es_en_translator, clock=clock)
    )
    shopper = await open_session(client, locale="es")
    [reply] = (await shopper.say("Hola, ¿dónde está mi pedido? Todavía no ha llegado."))["messages"]
    assert "order" in bot.texts()[0].lower()  # the bot read English
    assert (
        reply["lang"] == "es" and "número de pedido" in reply["text"]
    )  # locales/es.yml's own text


async def test_after_uninstalling_spanish_is_still_answered_natively(
    clock, es_en_translator, aiohttp_client, settings, detector, spanish_packages
):
    try:
        assert argos.uninstall("es", "en") and argos.uninstall("en", "es")
        untranslated = await es_en_translator.translate("¿Dónde está mi paquete?", "es", "en")
        assert (untranslated.available, untranslated.text) == (False, "¿Dónde está mi paquete?")

        bot = FakeBot({"¿Dónde está mi pedido?": [BotMessage(key="utter_ask_order_number")]})
        client = await aiohttp_client(
            create_app(
                settings, bot=bot, detector=detector, translator=es_en_translator, clock=clock
            )
        )
        shopper = await open_session(client, locale="es")
        answer = (await shopper.say("¿Dónde está mi pedido?"))["messages"]
        assert bot.texts() == ["¿Dónde está mi pedido?"]  # Spanish is native: read as written
        assert [(m["from"], m["lang"]) for m in answer] == [("bot", "es")]  # no notice
        assert "número de pedido" in answer[0]["text"]
    finally:  # the module's other tests keep their packages whatever the order they run in
        installed = {(p.source, p.target) for p in argos.installed_packages()}
        for pair, path in spanish_packages.items():
            if pair not in installed:
                argos.install_file(path)
