"""The conversation suite: multi-turn chats written as shoppers write, with what a correct bot says.

tests/conversations/<lang>.yml is the tuning part, tests/conversations/held_back/<lang>.yml the
held-back part (never used for tuning). Each file holds `conversations:`, each with an `id`
(<lang>-<what>, unique), `kinds` (from KINDS), `identity` (a demo customer's email, or null),
`turns` (`say`, and regexes: `expect` must all match the bot's reply, `forbid` none, `buttons`
each one button title) and `end: {handed_over: true|false}`. Read here for
benchmarks/conversations.py and tests/conversations/test_suite_format.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SUITE_DIR = Path(__file__).resolve().parent
PARTS = {"tuning": SUITE_DIR, "held_back": SUITE_DIR / "held_back"}
# The ways shoppers write that a bot gets wrong; every language file has each at least once
# (Chinese has `translation` in place of small-letter country names, which it has no use for).
FAILURE_KINDS = (
    "country_lowercase",
    "correction",
    "postal_code",
    "lost_question",
    "offer_yes_no",
    "mixed_message",
    "short_noisy",
)
FLOW_KINDS = (
    "order_status",
    "returns",
    "refund",
    "cancel",
    "shipping",
    "payments",
    "loyalty",
    "handover",
    "identity",
)
KINDS = (*FAILURE_KINDS, "translation", *FLOW_KINDS)
FIELDS = {"id", "kinds", "identity", "turns", "end"}
TURN_FIELDS = {"say", "expect", "forbid", "buttons"}


@dataclass(frozen=True)
class Turn:
    say: str
    expect: tuple[str, ...] = ()  # each regex must match the bot's reply (re.I, re.search)
    forbid: tuple[str, ...] = ()  # no regex may match it
    buttons: tuple[str, ...] = ()  # each regex must match the title of one of its buttons


@dataclass(frozen=True)
class Conversation:
    id: str
    lang: str
    part: str  # tuning | held_back
    kinds: tuple[str, ...]
    turns: tuple[Turn, ...]
    identity: str | None = None  # a demo customer's email: the chat opens signed in as them
    handed_over: bool | None = None  # at the end: waiting for a person (True) or not (False)
    source: str = field(default="", compare=False)  # the file it comes from, for messages


def required_kinds(lang: str) -> tuple[str, ...]:
    if lang == "zh":
        return tuple(kind for kind in FAILURE_KINDS if kind != "country_lowercase") + (
            "translation",
        )
    return FAILURE_KINDS


def suite_files(parts: list[str], langs: list[str] | None = None) -> list[tuple[str, Path]]:
    """(part, file) of every language file of the parts asked for, in a stable order."""
    return [
        (part, path)
        for part in parts
        for path in sorted(PARTS[part].glob("*.yml"))
        if langs is None or path.stem in langs
    ]


def load_file(path: Path, part: str) -> list[Conversation]:
    """The conversations of one language file; ValueError naming the file and conversation when
    it does not follow the format."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(document, dict) or not isinstance(document.get("conversations"), list):
        raise ValueError(f"{path}: expected a mapping with a `conversations:` list")
    return [_conversation(entry, path, part) for entry in document["conversations"]]


def load_suite(parts: list[str], langs: list[str] | None = None) -> list[Conversation]:
    return [
        conversation
        for part, path in suite_files(parts, langs)
        for conversation in load_file(path, part)
    ]


def _conversation(entry: object, path: Path, part: str) -> Conversation:
    where = f"{path}: conversation {entry.get('id', '?') if isinstance(entry, dict) else entry!r}"
    if not isinstance(entry, dict) or not {"id", "kinds", "turns"} <= entry.keys():
        raise ValueError(f"{where}: needs id, kinds and turns")
    if unknown := entry.keys() - FIELDS:
        raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}")
    end = entry.get("end") or {}
    if not isinstance(end, dict) or end.keys() - {"handed_over"}:
        raise ValueError(f"{where}: `end` takes only handed_over: true|false")
    if not isinstance(end.get("handed_over", False), bool):
        raise ValueError(f"{where}: handed_over is true or false")
    if not isinstance(entry.get("identity") or "", str):
        raise ValueError(f"{where}: identity is a demo customer's email, or null")
    if not isinstance(entry["turns"], list) or not entry["turns"]:
        raise ValueError(f"{where}: turns must be a non-empty list")
    return Conversation(
        id=str(entry["id"]),
        lang=path.stem,
        part=part,
        kinds=tuple(_strings(entry["kinds"], f"{where}: kinds")),
        turns=tuple(_turn(turn, f"{where}, turn {n}") for n, turn in enumerate(entry["turns"], 1)),
        identity=entry.get("identity"),
        handed_over=end.get("handed_over"),
        source=str(path),
    )


def _turn(entry: object, where: str) -> Turn:
    if not isinstance(entry, dict) or not isinstance(entry.get("say"), str):
        raise ValueError(f"{where}: a turn needs `say:` with the shopper's text")
    if unknown := entry.keys() - TURN_FIELDS:
        raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}")
    return Turn(
        say=entry["say"],
        expect=tuple(_strings(entry.get("expect", []), f"{where}: expect")),
        forbid=tuple(_strings(entry.get("forbid", []), f"{where}: forbid")),
        buttons=tuple(_strings(entry.get("buttons", []), f"{where}: buttons")),
    )


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where} must be a list of strings")
    return value


def matches(pattern: str, text: str) -> bool:
    """How every check reads: case-insensitive, anywhere in the text."""
    return re.search(pattern, text, re.IGNORECASE) is not None
