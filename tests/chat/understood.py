"""What the NLU read, built for a test: the best guess first, then the others."""

from __future__ import annotations

from helpdesk.rasa.client import Understanding


def reading(*ranking: tuple[str, float], entities: dict | None = None) -> Understanding:
    return Understanding(ranking[0][0], ranking[0][1], entities or {}, tuple(ranking))
