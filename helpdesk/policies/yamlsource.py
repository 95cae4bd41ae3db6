"""Reading a policy YAML file into plain data, remembering the line of every key path."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import PolicyError

Path_ = tuple[str | int, ...]

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


class _Loader(yaml.SafeLoader):
    """YAML 1.1 with the surprises removed.

    Only true/false are booleans (so the country code NO stays "NO"), 17:30 stays a string instead
    of a base-60 number, and numbers with a decimal point become Decimal, never float.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT, re.compile(r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$"), list("-+.0123456789")
)
_Loader.add_constructor(_FLOAT, lambda loader, node: Decimal(node.value.replace("_", "")))


@dataclass
class Document:
    """A policy file's data, the 1-based line of each key path, and the problems found reading it."""

    file: str
    data: Any = None
    lines: dict[Path_, int] = field(default_factory=dict)
    errors: list[PolicyError] = field(default_factory=list)

    def line_of(self, path: Path_) -> int:
        """The line of the deepest part of `path` that exists in the file (a missing key: its parent)."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def error(self, path: Path_, message: str) -> PolicyError:
        return PolicyError(self.file, self.line_of(path), render_path(path), message)


def render_path(path: Path_) -> str:
    """("markets", "EU", "tiers", 2, "name") -> "markets.EU.tiers[2].name"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_document(path: Path) -> Document:
    """Parse one file; syntax errors and duplicate keys are reported in `errors`, never raised."""
    doc = Document(path.name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        doc.errors.append(PolicyError(doc.file, 1, "", f"cannot be read: {exc}"))
        return doc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            doc.errors.append(PolicyError(doc.file, 1, "", "is empty"))
        else:
            doc.data = _build(loader, node, (), doc)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        doc.data = None
        doc.errors.append(PolicyError(doc.file, line, "", f"is not valid YAML: {problem}"))
    finally:
        loader.dispose()
    return doc


def _build(loader: _Loader, node: yaml.Node, path: Path_, doc: Document) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = key if isinstance(key, str) else str(key)
            child = (*path, key)
            if key in out:
                line = key_node.start_mark.line + 1
                first = doc.lines[child]
                doc.errors.append(
                    PolicyError(
                        doc.file,
                        line,
                        render_path(child),
                        f"is written twice (first on line {first})",
                    )
                )
                continue
            doc.lines[child] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, child, doc)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            doc.lines[(*path, index)] = item.start_mark.line + 1
            items.append(_build(loader, item, (*path, index), doc))
        return items
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:  # e.g. 2025-12-32 looks like a date but is none: let the schema word it
        return node.value
