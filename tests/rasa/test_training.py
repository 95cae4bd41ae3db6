"""The bot is retrained when what it is trained from changes, and only then."""

from __future__ import annotations

import shutil

from helpdesk.rasa.training import BOT_DIR, fingerprint


def copy_bot(tmp_path):
    target = tmp_path / "bot"
    shutil.copytree(BOT_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_changing_training_data_changes_the_fingerprint(tmp_path):
    bot = copy_bot(tmp_path)
    before = fingerprint(bot)
    nlu = bot / "data" / "nlu" / "en" / "conversation.yml"
    nlu.write_text(nlu.read_text() + "\n    - howdy partner\n")
    assert fingerprint(bot) != before


def test_changing_a_pipeline_component_changes_the_fingerprint(tmp_path):
    bot = copy_bot(tmp_path)
    before = fingerprint(bot)
    component = bot / "components" / "sentence_encoder.py"
    component.write_text(component.read_text() + "\n# changed\n")
    assert fingerprint(bot) != before


def test_changing_actions_or_endpoints_does_not(tmp_path):
    bot = copy_bot(tmp_path)
    before = fingerprint(bot)
    (bot / "actions" / "orders.py").write_text("# changed\n")
    (bot / "endpoints.yml").write_text("# changed\n")
    assert fingerprint(bot) == before
