"""Counts every HTTP request by method, route and status. The route is the path as declared
(`/api/chat/sessions/{session_id}/messages`), never as requested: a requested path holds
conversation ids, and anyone could make up any number of them."""

from __future__ import annotations

from aiohttp import web

from helpdesk.metrics.instruments import METRICS

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # no route has this path (404), or not with this method (405)


def route_of(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED


def _count(request: web.Request, status: int) -> None:
    method = request.method if request.method in METHODS else "other"
    request.app[METRICS].http_requests.labels(
        method=method, route=route_of(request), status=str(status)
    ).inc()


@web.middleware
async def count_requests(request: web.Request, handler):
    """Outermost, so that it counts the status the client received (the guard's 429s too).
    A request the client gave up on (cancelled) is not counted: it got no status."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _count(request, error.status)
        raise
    except Exception:
        _count(request, 500)
        raise
    _count(request, response.status)
    return response
