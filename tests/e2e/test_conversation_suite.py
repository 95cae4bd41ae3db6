"""The conversation suite (tests/conversations/, both parts) through the real trained bot, as
`python -m benchmarks.conversations` runs it. Each language must keep at least the share of
conversations it reached when this floor was last raised: a change that breaks conversations
shoppers had fine shows here. The goal is 95 % in every language (README, Measured)."""

from __future__ import annotations

import pytest

from benchmarks.conversation_report import figures, render_failure, render_figures
from benchmarks.conversations import run_suite
from helpdesk.rasa.training import ensure_model
from helpdesk.settings import PROJECT_ROOT
from tests.conversations.suite import PARTS, load_suite

pytestmark = pytest.mark.rasa

# Passed share per language, both parts together (525 conversations): measured on 2026-12-07
# after the eighth and ninth held-back sets moved into the tuning part and a tenth took their
# place (first run 37 / 42), from one run of the whole suite and a second run of the 40 it failed
# after the fixes that run called for: de 95, en 95, es 96, fr 95, it 92, pt 97, zh 97 %.
# Less a margin (about three conversations) for a retrained model's small differences.
FLOOR = {"en": 90, "es": 92, "pt": 93, "fr": 90, "de": 90, "it": 88, "zh": 93}


async def test_every_language_keeps_its_share_of_finished_conversations():
    outcomes = await run_suite(load_suite(list(PARTS)), ensure_model(PROJECT_ROOT / "var"))
    passed: dict[str, list[bool]] = {}
    for outcome in outcomes:
        passed.setdefault(outcome.conversation.lang, []).append(outcome.passed)
    shares = {lang: 100 * sum(runs) // len(runs) for lang, runs in passed.items()}
    failures = "\n\n".join(
        "\n".join(render_failure(outcome)) for outcome in outcomes if not outcome.passed
    )
    # Kept, passed or not, so that a run of the suite (CI's too) leaves its figures to quote.
    report = PROJECT_ROOT / "var" / "log" / "conversation-suite.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(render_figures(figures(outcomes))) + "\n\n" + failures + "\n")
    below = {lang: share for lang, share in shares.items() if share < FLOOR[lang]}
    assert not below, f"below the floor {FLOOR}: {below}\n{figures(outcomes)}\n\n{failures}"
