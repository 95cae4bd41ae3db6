"""Every answer the tests receive is held against /api/openapi.yaml: a client middleware that
finds the documented operation of each request and validates the status and the JSON body
against its schema. The description can then not drift from what the service answers."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import yaml
from aiohttp import ClientHandlerType, ClientRequest, ClientResponse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from helpdesk.settings import PROJECT_ROOT

OPENAPI = PROJECT_ROOT / "helpdesk" / "openapi.yaml"
ROOT = "urn:helpdesk-openapi"


@cache
def _description() -> tuple[dict[str, Any], Registry, list[tuple[re.Pattern, str]]]:
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    registry = Registry().with_resource(
        ROOT, Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    templates = [
        (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path)
        for path in spec["paths"]
    ]
    return spec, registry, templates


def _ref_parts(ref: str) -> list[str]:
    return ref.removeprefix("#/").split("/")


def _response_object(spec: dict[str, Any], operation: dict[str, Any], status: int) -> dict | None:
    responses = operation.get("responses", {})
    found = (
        responses.get(str(status))
        or responses.get(f"{str(status)[0]}XX")
        or responses.get("default")
    )
    while found is not None and "$ref" in found:
        target: Any = spec
        for part in _ref_parts(found["$ref"]):
            target = target[part]
        found = target
    return found


def check(method: str, path: str, status: int, content_type: str, body: bytes) -> None:
    """AssertionError when the answer is not one the description promises."""
    spec, registry, templates = _description()
    template = next((t for pattern, t in templates if pattern.match(path)), None)
    operation = spec["paths"].get(template, {}).get(method.lower()) if template else None
    if operation is None or status == 101:
        return  # not part of the API described (static files, the demo), or a websocket
    response = _response_object(spec, operation, status)
    assert response is not None, (
        f"{method} {path} answered {status}, which openapi.yaml does not list for {template}"
    )
    schema = (response.get("content") or {}).get("application/json", {}).get("schema")
    if schema is None or not content_type.startswith("application/json"):
        return
    pointer = _pointer_to(spec, template, method.lower(), str(status), response)
    validator = Draft202012Validator({"$ref": pointer}, registry=registry)
    errors = sorted(validator.iter_errors(json.loads(body)), key=lambda e: list(e.path))
    assert not errors, f"{method} {path} -> {status}: the answer breaks openapi.yaml: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5]
    )


def _pointer_to(spec, template: str, method: str, status: str, response: dict) -> str:
    """A JSON pointer into the description at the response's schema (through $refs of responses)."""
    found = spec["paths"][template][method]["responses"].get(status)
    if found is None:
        status = next(
            code
            for code in (f"{status[0]}XX", "default")
            if code in spec["paths"][template][method]["responses"]
        )
        found = spec["paths"][template][method]["responses"][status]
    if "$ref" in found:
        return f"{ROOT}{found['$ref']}/content/application~1json/schema"
    escaped = template.replace("~", "~0").replace("/", "~1")
    return f"{ROOT}#/paths/{escaped}/{method}/responses/{status}/content/application~1json/schema"


async def checked_against_openapi(
    request: ClientRequest, handler: ClientHandlerType
) -> ClientResponse:
    """aiohttp client middleware: every answer is checked as it arrives."""
    response = await handler(request)
    body = await response.read()  # kept by the response: the test reads it again
    check(
        request.method,
        request.url.path,
        response.status,
        response.headers.get("Content-Type", ""),
        body,
    )
    return response
