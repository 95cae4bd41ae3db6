"""The held-out dev sets stay held out: none of their sentences is in the training data."""

from __future__ import annotations

import csv
import re

from helpdesk.settings import PROJECT_ROOT

ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


def normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def training_sentences() -> set[str]:
    sentences = set()
    for path in (PROJECT_ROOT / "bot" / "data").rglob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("    - "):
                plain = ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line[6:])
                sentences.add(normalised(plain))
    return sentences


def test_no_dev_sentence_is_trained_on():
    trained = training_sentences()
    leaked = [
        row["text"]
        for path in sorted((PROJECT_ROOT / "tests" / "eval").glob("dev_*.csv"))
        for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines())
        if normalised(row["text"]) in trained
    ]
    assert leaked == []
