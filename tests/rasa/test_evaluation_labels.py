"""The eval command scores the bot's intents by the evaluation contract's labels."""

from __future__ import annotations

from helpdesk.rasa.evaluation import Row, score


async def test_finer_intents_and_the_fallback_are_scored_as_the_contracts_labels():
    readings = {
        "use my points": "redeem_points",
        "asdfgh": "nlu_fallback",
        "hello": "greet",
    }

    async def classify(text: str) -> tuple[str, float]:
        return readings[text], 0.9

    async def prepare(row: Row) -> tuple[str, str]:
        return row.lang, row.text

    rows = [Row(text, "x", "en") for text in readings]
    scored = await score(rows, classify, prepare)
    assert [s.predicted for s in scored] == ["loyalty_program", "out_of_scope", "greet"]
