"""The Rasa project itself: its data validates, and every test story is predicted exactly."""

from __future__ import annotations

import subprocess

import pytest

from helpdesk.rasa.training import BOT_DIR, ensure_model, rasa_command, rasa_environment
from helpdesk.settings import PROJECT_ROOT

pytestmark = pytest.mark.rasa


def rasa(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*rasa_command(), *args],
        cwd=cwd,
        env=rasa_environment(cwd),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_rasa_data_validates_without_warnings(tmp_path):
    result = rasa(
        "data",
        "validate",
        "--fail-on-warnings",
        "--config",
        str(BOT_DIR / "config.yml"),
        "--domain",
        str(BOT_DIR / "domain.yml"),
        "--data",
        str(BOT_DIR / "data"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_every_test_story_is_predicted_exactly(tmp_path):
    model = ensure_model(PROJECT_ROOT / "var")
    result = rasa(
        "test",
        "core",
        "--model",
        str(model),
        "--stories",
        str(BOT_DIR / "tests"),
        "--endpoints",
        str(tmp_path / "none.yml"),
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path / "results"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
