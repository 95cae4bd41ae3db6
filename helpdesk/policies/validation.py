"""Checking a read document against its schema, with pydantic's errors reworded for the merchant."""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import PolicyError
from .fields import PolicyFile, show
from .yamlsource import Document

_MAPPING = "a block of fields (name: value lines)"
_WORDING = {
    "missing": "is missing; it is required",
    "bool_type": "must be true or false, got {got}",
    "string_type": "must be text, got {got}",
    "model_type": f"must be {_MAPPING}, got {{got}}",
    "model_attributes_type": f"must be {_MAPPING}, got {{got}}",
    "dict_type": f"must be {_MAPPING}, got {{got}}",
    "list_type": "must be a list such as [a, b], got {got}",
    "tuple_type": "must be a list such as [a, b], got {got}",
}


def validate(doc: Document, schema: type[PolicyFile]) -> tuple[Any, list[PolicyError]]:
    """The validated model and no errors, or None and every error found in the file."""
    if doc.errors:
        return None, list(doc.errors)
    try:
        model = schema.model_validate(doc.data)
    except ValidationError as exc:
        return None, [_reword(doc, schema, error) for error in _without_echoes(exc.errors())]
    problems = [doc.error(path, message) for path, message in model.problems()]
    return (None, problems) if problems else (model, [])


def _without_echoes(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop "too short" for a list whose items failed: pydantic counts only the valid ones."""
    return [
        error
        for error in errors
        if error["type"] != "too_short"
        or not any(
            other is not error and other["loc"][: len(error["loc"])] == error["loc"]
            for other in errors
        )
    ]


def _reword(doc: Document, schema: type[BaseModel], error: ErrorDetails) -> PolicyError:
    path = tuple(part for part in error["loc"] if part != "[key]")
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "policy":
        message = error["msg"]
    elif kind == "extra_forbidden":
        message = _unknown_field(schema, path)
    elif kind == "literal_error":
        message = f"must be one of {ctx.get('expected')}, got {show(value)}"
    elif kind == "too_short":
        message = f"must have at least {ctx.get('min_length')} entry, got none"
    elif kind in _WORDING:
        message = _WORDING[kind].format(got=show(value))
    else:
        text = error["msg"].removeprefix("Value error, ")
        message = f"is not valid: {text[:1].lower()}{text[1:]}, got {show(value)}"
    if "[key]" in error["loc"]:
        message = f"(as a name) {message}"
    return doc.error(path, message)


def _unknown_field(schema: type[BaseModel], path: tuple[str | int, ...]) -> str:
    model = _model_at(schema, path[:-1])
    if model is None:
        return "is not a known field here"
    allowed = list(model.model_fields)
    close = difflib.get_close_matches(str(path[-1]), allowed, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"is not a known field here{hint}; allowed: {', '.join(allowed)}"


def _model_at(schema: Any, path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that validates the block at `path`, following fields, dicts and lists."""
    current = schema
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        elif get_origin(current) in (list, tuple):
            current = get_args(current)[0]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
        else:
            return annotation
