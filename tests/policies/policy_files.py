"""Test helpers: the shipped policy files, and edited copies of them for failure cases."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from helpdesk.policies import Policies, load_policies

SHIPPED = Path(__file__).resolve().parents[2] / "policies"


@cache
def shipped() -> Policies:
    result = load_policies(SHIPPED)
    assert isinstance(result, Policies), result
    return result


def edited_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the shipped directory with the first `old` in `file` replaced by `new`."""
    directory = tmp_path / "policies"
    if not directory.exists():
        shutil.copytree(SHIPPED, directory)
    text = (directory / file).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    (directory / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return directory


def errors_of(directory: Path) -> list[str]:
    result = load_policies(directory)
    assert isinstance(result, list), "expected errors"
    return [str(error) for error in result]


def line_of(directory: Path, file: str, text: str) -> int:
    """1-based line of the first line containing `text`."""
    for number, line in enumerate(
        (directory / file).read_text(encoding="utf-8").splitlines(), start=1
    ):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {file}")
