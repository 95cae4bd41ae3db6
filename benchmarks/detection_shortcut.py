"""Benchmark: language detection with and without its shortcut (langdetect skipped when the
words' own scores already decide), side by side: every answer compared, and the time of each.

Run: .venv/bin/python -m benchmarks.detection_shortcut [CSV ...]   (default: tests/eval/dev_*.csv)
Each sentence is read as a first message and within conversations already in several
languages, with and without the widget's hint; the two readings alternate sentence by sentence.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from helpdesk.app import NLU_DIR
from helpdesk.languages.detection import LanguageDetector
from helpdesk.settings import PROJECT_ROOT, Settings

# (the conversation's language so far, the widget's hint)
SITUATIONS = (
    (None, None),
    ("en", None),
    ("es", None),
    ("fr", "fr"),
    (None, "de"),
    ("it", None),
    ("pt", "pt"),
    ("de", None),
    ("zh", None),
)


def main(paths: list[Path]) -> int:
    languages = Settings().languages
    quick = LanguageDetector.from_training_data(languages, NLU_DIR)
    full = LanguageDetector.from_training_data(languages, NLU_DIR)
    full._decided_by_words = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
    texts = [
        row["text"]
        for path in paths
        for row in csv.DictReader(path.open(encoding="utf-8"))
        if row.get("text")
    ]
    seconds = {"with the shortcut": 0.0, "without": 0.0}
    differences = []
    for text in texts:
        for current, hint in SITUATIONS:
            began = time.perf_counter()
            fast = quick.detect(text, current=current, hint=hint)
            middle = time.perf_counter()
            slow = full.detect(text, current=current, hint=hint)
            seconds["with the shortcut"] += middle - began
            seconds["without"] += time.perf_counter() - middle
            if fast != slow:
                differences.append((text, current, hint, fast, slow))
    count = len(texts) * len(SITUATIONS)
    print(f"{len(texts)} sentences x {len(SITUATIONS)} situations = {count} detections each way")
    for name, total in seconds.items():
        print(f"{name}: {total / count * 1000:.2f} ms a detection")
    print(f"different answers: {len(differences)}")
    for text, current, hint, fast, slow in differences[:20]:
        print(f"  {text!r} (current {current}, hint {hint}): {fast} against {slow}")
    return 1 if differences else 0


if __name__ == "__main__":
    arguments = [Path(arg) for arg in sys.argv[1:]]
    sys.exit(main(arguments or sorted((PROJECT_ROOT / "tests" / "eval").glob("dev_*.csv"))))
