"""Language tags as browsers, widgets and agents write them ("pt-BR", "zh_Hans", " EN ")."""

from __future__ import annotations


def base_language(tag: str | None) -> str:
    """The language itself: 'pt' for 'pt-BR', 'zh' for 'zh_Hans', '' for no tag."""
    return (tag or "").strip().lower().replace("_", "-").split("-")[0]
