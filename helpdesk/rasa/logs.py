"""The log files of the processes `make run` starts (Rasa, the helpdesk, training): readable by
their owner only, since they name conversations, addresses and orders."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO


def open_private_log(path: Path, *, append: bool = True) -> TextIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    descriptor = os.open(path, flags, 0o600)
    os.chmod(path, 0o600)  # one created before this rule
    return os.fdopen(descriptor, "a" if append else "w")
