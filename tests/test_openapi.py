"""The OpenAPI file served by the service documents every route the service has."""

from __future__ import annotations

import yaml

from helpdesk.app import create_app


def documented(spec: dict) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
    }


def routed(app) -> set[tuple[str, str]]:
    return {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.method != "HEAD"
    }


async def test_every_route_is_documented_and_nothing_else(client):
    response = await client.get("/api/openapi.yaml")
    assert response.status == 200
    spec = yaml.safe_load(await response.text())
    assert documented(spec) == routed(client.app)


def test_the_app_builds_without_io(settings, detector):
    assert create_app(settings, detector=detector).router.routes()
