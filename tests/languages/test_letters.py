"""Styled, full-width and invisible characters are read as the letters they show."""

from __future__ import annotations

import pytest

from helpdesk.languages.detection import LanguageDetector
from helpdesk.languages.letters import as_meant


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("𝓬𝓪𝓷𝓬𝓮𝓵", "cancel"),
        ("𝐫𝐞𝐟𝐮𝐧𝐝?", "refund?"),
        ("ｃａｎｃｅｌ ｍｙ ｏｒｄｅｒ １００１８", "cancel my order 10018"),
        ("track\u200bing", "tracking"),
        ("我的订单１００１８在哪里？", "我的订单10018在哪里?"),
        ("dónde está", "dónde está"),  # accents stay
    ],
)
def test_letters_are_read_as_meant(typed, meant):
    assert as_meant(typed) == meant


def test_styled_letters_are_detected_as_their_language():
    detector = LanguageDetector(["en", "es", "de"])
    assert detector.detect("𝔴𝔬 𝔦𝔰𝔱 𝔪𝔢𝔦𝔫𝔢 𝔅𝔢𝔰𝔱𝔢𝔩𝔩𝔲𝔫𝔤").lang == "de"
