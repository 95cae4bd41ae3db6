"""What benchmarks/conversations.py prints and writes: task success per part and language (and
per kind of difficulty), and each failed conversation with why and its whole transcript."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

from tests.conversations.runner import Outcome


def figures(outcomes: list[Outcome]) -> dict:
    """passed/total/% per part and language, per kind (both parts together), and overall."""
    by_part: dict[str, dict[str, list[Outcome]]] = defaultdict(lambda: defaultdict(list))
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_part[outcome.conversation.part][outcome.conversation.lang].append(outcome)
        for kind in outcome.conversation.kinds:
            by_kind[kind].append(outcome)
    return {
        "by_part": {
            part: {lang: _share(runs) for lang, runs in sorted(langs.items())}
            for part, langs in by_part.items()
        },
        "by_kind": {kind: _share(runs) for kind, runs in sorted(by_kind.items())},
        "overall": _share(outcomes),
    }


def _share(outcomes: list[Outcome]) -> dict:
    passed, total = sum(outcome.passed for outcome in outcomes), len(outcomes)
    return {"passed": passed, "total": total, "pct": round(100 * passed / total, 1) if total else 0}


def render_figures(result: dict) -> list[str]:
    lines = ["part       lang  passed  total       %"]
    for part, langs in result["by_part"].items():
        lines += [_row(f"{part:<10} {lang:<5}", figures) for lang, figures in langs.items()]
    lines.append(_row(f"{'overall':<16}", result["overall"]))
    lines += ["", "kind (conversations of every language and part that exercise it)"]
    lines += [_row(f"{kind:<16}", figures) for kind, figures in result["by_kind"].items()]
    return lines


def _row(label: str, figures: dict) -> str:
    return f"{label} {figures['passed']:>6} {figures['total']:>6} {figures['pct']:>7.1f}"


def render_failure(outcome: Outcome) -> list[str]:
    conversation = outcome.conversation
    number, problems = outcome.first_failure
    where = f"turn {number}" if number else "at the end"
    lines = [
        f"FAILED {conversation.id} ({conversation.part}, {conversation.lang}; "
        f"{', '.join(conversation.kinds)}) {where}:",
        *(f"    - {problem}" for problem in problems),
    ]
    if conversation.identity:
        lines.append(f"  (signed in as {conversation.identity})")
    for n, turn in enumerate(outcome.turns, 1):
        mark = " ✗" if turn.problems else ""
        lines.append(f"  {n}> shopper: {turn.turn.say}{mark}")
        for reply in turn.replies:
            buttons = f"  [buttons: {' | '.join(reply.buttons)}]" if reply.buttons else ""
            lines.append(f"     {reply.sender} ({reply.lang}): {reply.text}{buttons}")
        lines += [f"     ✗ {problem}" for problem in turn.problems if number != n]
    lines += [f"  ✗ {problem}" for problem in outcome.end_problems if number]
    lines.append(f"  final state: {outcome.state}")
    return lines


def as_json(outcomes: list[Outcome], model: Path, instant: datetime) -> dict:
    return {
        "instant": instant.isoformat(),
        "model": model.name,
        **figures(outcomes),
        "conversations": [
            {
                "id": o.conversation.id,
                "part": o.conversation.part,
                "lang": o.conversation.lang,
                "kinds": list(o.conversation.kinds),
                "passed": o.passed,
                "failed_turn": o.first_failure[0],
                "problems": o.first_failure[1],
                "state": o.state,
            }
            for o in outcomes
        ],
    }


def below(result: dict, required: float) -> list[str]:
    """Each part and language under the required share of passed conversations."""
    return [
        f"{part}/{lang}: {f['pct']}% < {required}%"
        for part, langs in result["by_part"].items()
        for lang, f in langs.items()
        if f["pct"] < required
    ]
