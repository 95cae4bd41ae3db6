"""Benchmark: language detection on short messages, per language and length, and its speed.

Run: .venv/bin/python -m benchmarks.language_detection [CSV ...]   (default: tests/eval/dev_*.csv)
Each message is scored as the first message of a conversation (no hint, no history), which is
the hardest case; within a conversation one- and two-word messages keep its language.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

from helpdesk.app import NLU_DIR
from helpdesk.languages.detection import LanguageDetector, words_of
from helpdesk.settings import PROJECT_ROOT

BUCKETS = ((1, 3, "1-3 words"), (4, 12, "4-12 words"), (13, 10_000, "13+ words"))


def bucket(text: str) -> str:
    count = len(words_of(text))
    return (
        next(name for low, high, name in BUCKETS if low <= count <= high) if count else "no words"
    )


def main(paths: list[Path]) -> None:
    started = time.perf_counter()
    detector = LanguageDetector.from_training_data(["en", "es", "pt", "fr", "de", "it"], NLU_DIR)
    print(f"model loaded in {time.perf_counter() - started:.2f} s")
    right: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    elapsed, calls = 0.0, 0
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                begin = time.perf_counter()
                detected = detector.detect(row["text"]).lang
                elapsed, calls = elapsed + time.perf_counter() - begin, calls + 1
                tally = right[(row["lang"], bucket(row["text"]))]
                tally[0] += detected == row["lang"]
                tally[1] += 1
    print(f"{'language':<9}" + "".join(f"{name:>22}" for *_, name in BUCKETS))
    for lang in sorted({lang for lang, _ in right}):
        cells = []
        for *_, name in BUCKETS:
            ok, total = right.get((lang, name), [0, 0])
            cells.append(f"{ok / total:>12.3f} (n={total:>4})" if total else f"{'-':>22}")
        print(f"{lang:<9}" + "".join(f"{cell:>22}" for cell in cells))
    print(f"{calls} messages, {1000 * elapsed / calls:.2f} ms per detection")


if __name__ == "__main__":
    given = [Path(arg) for arg in sys.argv[1:]]
    main(given or sorted((PROJECT_ROOT / "tests" / "eval").glob("dev_*.csv")))
