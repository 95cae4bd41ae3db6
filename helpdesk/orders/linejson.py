"""JSON read with the line every value starts on, so an import error can name its line."""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

_SPACE = re.compile(r"[ \t\n\r]*")


@dataclass
class Where:
    """The line a value starts on, and the same for its fields (by key) or entries (by index)."""

    line: int
    inner: dict[str | int, Where] = field(default_factory=dict)

    def locate(self, path: tuple) -> int:
        """The line of the deepest value on `path` (keys and indexes, as pydantic's error loc)."""
        where = self
        for part in path:
            if part not in where.inner:
                break
            where = where.inner[part]
        return where.line


def parse_with_lines(text: str) -> tuple[Any, Where]:
    """The document (numbers with a point as Decimal, never float) and where its values are.

    Raises json.JSONDecodeError (a ValueError with .lineno) for text that is not JSON.
    """
    parser = _Parser(text)
    value, where, end = parser.value(0)
    end = parser.skip(end)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value, where


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.scalars = json.JSONDecoder(parse_float=Decimal)

    def line(self, position: int) -> int:
        return bisect.bisect_left(self.newlines, position) + 1

    def skip(self, position: int) -> int:
        spaces = _SPACE.match(self.text, position)
        assert spaces is not None, "_SPACE matches anywhere, if only the empty string"
        return spaces.end()

    def value(self, position: int) -> tuple[Any, Where, int]:
        position = self.skip(position)
        where = Where(self.line(position))
        opening = self.text[position : position + 1]
        if opening == "{":
            return self._object(position + 1, where)
        if opening == "[":
            return self._array(position + 1, where)
        value, end = self.scalars.raw_decode(self.text, position)
        return value, where, end

    def _object(self, position: int, where: Where) -> tuple[dict, Where, int]:
        result: dict[str, Any] = {}
        position = self.skip(position)
        if self.text.startswith("}", position):
            return result, where, position + 1
        while True:
            position = self.skip(position)
            if not self.text.startswith('"', position):
                raise json.JSONDecodeError(
                    "Expecting property name enclosed in double quotes", self.text, position
                )
            key_line = self.line(position)
            key, position = self.scalars.raw_decode(self.text, position)  # the quoted name
            position = self.skip(position)
            if not self.text.startswith(":", position):
                raise json.JSONDecodeError("Expecting ':' delimiter", self.text, position)
            result[key], inner, position = self.value(position + 1)
            where.inner[key] = Where(key_line, inner.inner)  # a field is where its name is
            position, closed = self._after_entry(position, "}")
            if closed:
                return result, where, position

    def _array(self, position: int, where: Where) -> tuple[list, Where, int]:
        result: list[Any] = []
        position = self.skip(position)
        if self.text.startswith("]", position):
            return result, where, position + 1
        while True:
            value, inner, position = self.value(position)
            where.inner[len(result)] = inner
            result.append(value)
            position, closed = self._after_entry(position, "]")
            if closed:
                return result, where, position

    def _after_entry(self, position: int, closing: str) -> tuple[int, bool]:
        """The position after the comma or the closing bracket, and whether it was the bracket."""
        position = self.skip(position)
        if self.text.startswith(",", position):
            return position + 1, False
        if self.text.startswith(closing, position):
            return position + 1, True
        raise json.JSONDecodeError("Expecting ',' delimiter", self.text, position)
