"""The conversation suite (tests/conversations/, both parts) through the real trained bot, as
`python -m benchmarks.conversations` runs it. Each language must keep at least the share of
conversations it reached when this floor was last raised: a change that breaks conversations
shoppers had fine shows here. The goal is 95 % in every language (README, Measured)."""

from __future__ import annotations

import pytest

from benchmarks.conversation_report import figures, render_failure
from benchmarks.conversations import run_suite
from helpdesk.rasa.training import ensure_model
from helpdesk.settings import PROJECT_ROOT
from tests.conversations.suite import PARTS, load_suite

pytestmark = pytest.mark.rasa

# Passed share per language, both parts together: measured on 2026-12-07 after the second and
# third held-back sets moved into the tuning part and a fourth took their place (en 92, es 92,
# pt 97, fr 97, de 97, it 97, zh 97 %), less a margin (about two conversations) for a retrained
# model's small differences.
FLOOR = {"en": 92, "es": 90, "pt": 89, "fr": 89, "de": 90, "it": 90, "zh": 92}


async def test_every_language_keeps_its_share_of_finished_conversations():
    outcomes = await run_suite(load_suite(list(PARTS)), ensure_model(PROJECT_ROOT / "var"))
    passed: dict[str, list[bool]] = {}
    for outcome in outcomes:
        passed.setdefault(outcome.conversation.lang, []).append(outcome.passed)
    shares = {lang: 100 * sum(runs) // len(runs) for lang, runs in passed.items()}
    failures = "\n\n".join(
        "\n".join(render_failure(outcome)) for outcome in outcomes if not outcome.passed
    )
    below = {lang: share for lang, share in shares.items() if share < FLOOR[lang]}
    assert not below, f"below the floor {FLOOR}: {below}\n{figures(outcomes)}\n\n{failures}"
