"""Language detection: short words never flip a conversation, a clear switch is followed."""

from __future__ import annotations

import pytest

from helpdesk.languages.detection import Detection, LanguageDetector, words_of


@pytest.mark.parametrize("text", ["hola", "ok", "refund?", "ok gracias", "si", "no", "merci"])
def test_one_or_two_words_never_move_an_established_conversation(detector, text):
    assert detector.detect(text, current="es").lang == "es"


@pytest.mark.parametrize(
    "text",
    [
        "10045",
        "#10045",
        "ana.garcia@example.com",
        "👍👍",
        "28013 ✔️",
        "https://shop.example.com/orders/10045",
        "?!",
        "  ",
    ],
)
def test_numbers_emails_links_and_emoji_alone_change_nothing(detector, text):
    assert detector.detect(text, current="de").lang == "de"
    assert words_of(text) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("hola, dónde está mi pedido?", "es"),
        ("oi, cadê meu pedido que comprei semana passada", "pt"),
        ("bonjour, je voudrais retourner ma commande", "fr"),
        ("hallo, wo bleibt meine Bestellung?", "de"),
        ("ciao, dov'è il mio ordine?", "it"),
        ("hi, where is my order?", "en"),
    ],
)
def test_first_messages_are_recognised(detector, text, lang):
    assert detector.detect(text).lang == lang


def test_a_shopper_who_clearly_switches_is_followed(detector):
    detection = detector.detect("actually can you answer me in English please", current="es")
    assert (detection.lang, detection.reason) == ("en", "detected")


def test_the_widget_hint_decides_a_first_word_that_fits_several_languages(detector):
    assert detector.detect("ok", hint="it").lang == "it"


@pytest.mark.parametrize("text", ["ok", "status", "points?", "express"])
def test_a_first_word_that_fits_several_languages_is_the_shops_own_without_a_hint(detector, text):
    assert detector.detect(text) == Detection("en", "default")


@pytest.mark.parametrize(("text", "lang"), [("points?", "fr"), ("pix", "pt"), ("punti?", "it")])
def test_a_first_word_of_one_language_or_of_the_hints_is_read_in_it(detector, text, lang):
    assert detector.detect(text, hint="fr").lang == lang


def test_only_the_shops_languages_are_ever_chosen(detector):
    slovak = "Dobrý deň, kde je moja objednávka, prosím?"
    assert detector.detect(slovak).lang in {"en", "es", "pt", "fr", "de", "it"}


def test_a_script_decides_however_short_if_the_shop_serves_that_language():
    assert LanguageDetector(["en", "zh"]).detect("订单", current="en").lang == "zh"
    assert LanguageDetector(["en", "es"]).detect("我的订单在哪里？", current="es").lang == "es"


def test_the_same_text_always_gets_the_same_answer(detector):
    text = "je veux savoir ou est mon colis svp"
    assert len({detector.detect(text).lang for _ in range(20)}) == 1


def test_japanese_that_opens_with_chinese_characters_is_japanese():
    detector = LanguageDetector(["en", "zh", "ja"])
    assert detector.detect("注文番号10018の配送状況を教えてください").lang == "ja"
    assert detector.detect("用件は以上です").lang == "ja"
    assert detector.detect("我的订单在哪里？").lang == "zh"


def test_a_settled_conversation_writing_clearly_in_its_language_costs_no_langdetect(
    detector, monkeypatch
):
    def refuse(_text):
        raise AssertionError("langdetect ran")

    monkeypatch.setattr(detector, "_langdetect", refuse)
    assert detector.detect("dónde está mi pedido, por favor", current="es") == Detection(
        "es", "detected"
    )
    assert detector.detect("wo bleibt meine Bestellung bitte", current="de").lang == "de"


def test_the_words_alone_decide_only_what_langdetect_could_not_change(detector, monkeypatch):
    """The shortcut answers exactly as the full reading does, switches included."""
    cases = [
        ("actually can you answer me in English please", "es", None),
        ("je voudrais retourner ma commande", "es", None),
        ("hola, dónde está mi pedido?", None, None),
        ("dónde está mi pedido, por favor", "es", None),
        ("points fidélité", "en", None),
        ("je veux savoir ou est mon colis svp", None, "fr"),
        ("wann kommt mein Paket an", "it", None),
    ]
    quick = [detector.detect(text, current=current, hint=hint) for text, current, hint in cases]
    monkeypatch.setattr(detector, "_decided_by_words", lambda *_args, **_kwargs: None)
    full = [detector.detect(text, current=current, hint=hint) for text, current, hint in cases]
    assert quick == full
