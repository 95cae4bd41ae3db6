"""The real zh->en model, installed offline by the product's own code, translating for real."""

from __future__ import annotations

import pytest

from helpdesk.languages import argos

pytestmark = pytest.mark.models


def test_an_installed_file_is_fixed_up_to_run_offline(argos_home):
    [package] = [p for p in argos.installed_packages() if (p.source, p.target) == ("zh", "en")]
    assert (package.path / "spacy" / "config.cfg").exists()
    assert not (package.path / "stanza").exists()  # its splitter would download resources


async def test_chinese_is_translated_to_english(real_translator):
    result = await real_translator.translate("我的订单在哪里？", "zh", "en")
    assert result.available and "order" in result.text.lower()


async def test_a_missing_pair_says_so_instead_of_failing(real_translator):
    result = await real_translator.translate("where is my order?", "en", "zh")
    assert (result.available, result.text) == (False, "where is my order?")


def test_installing_something_that_is_not_a_package_is_a_clear_error(argos_home, tmp_path):
    bogus = tmp_path / "notes.argosmodel"
    bogus.write_text("not a zip")
    with pytest.raises(ValueError, match="notes.argosmodel is not an Argos package"):
        argos.install_file(bogus)
    assert [p.source for p in argos.installed_packages()] == ["zh"]
