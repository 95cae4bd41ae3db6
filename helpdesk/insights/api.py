"""The insights API, for admins: the support KPIs, the comments, the conversations behind a
figure, retention and support-influenced revenue of a range of days; as JSON, or with
?format=csv as a CSV file to download. Reading only: GETs, so no CSRF token is asked for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from helpdesk.agents.api import COOKIE, DESK
from helpdesk.agents.models import Role
from helpdesk.errors import Forbidden
from helpdesk.insights import tables
from helpdesk.insights.queries import (
    CommentsQuery,
    ConversationsQuery,
    Format,
    RangeQuery,
    SupportQuery,
    parse_query,
)
from helpdesk.insights.service import Insights

routes = web.RouteTableDef()
INSIGHTS = web.AppKey("insights", Insights)
PRIVATE = {"Cache-Control": "no-store"}  # figures about the shop's customers: never cached


class AdminsOnly(Forbidden):
    code = "admins_only"


async def _admin(request: web.Request) -> None:
    """401 without a session, 403 for an agent who is no admin."""
    agent, _ = await request.app[DESK].agent_for(request.cookies.get(COOKIE))
    if agent.role != Role.ADMIN:
        raise AdminsOnly("the insights are for admins: ask an admin to give you that role")


def _json(answer: BaseModel) -> web.Response:
    body = answer.model_dump(mode="json", by_alias=True)
    return web.json_response(body, headers=PRIVATE)


def _csv(
    name: str, first: date, last: date, columns: list[str], rows: Iterable[Mapping[str, Any]]
) -> web.Response:
    return web.Response(
        text=tables.as_csv(columns, rows),
        content_type="text/csv",
        charset="utf-8",
        headers={
            **PRIVATE,
            "Content-Disposition": f'attachment; filename="{name}-{first}-to-{last}.csv"',
        },
    )


@routes.get("/api/agent/insights/support")
async def support(request: web.Request) -> web.Response:
    await _admin(request)
    query = parse_query(SupportQuery, request.query.items())
    answer = await request.app[INSIGHTS].support(query)
    if query.format == Format.CSV:
        rows = tables.support_rows(answer.figures)
        return _csv("support", answer.first, answer.last, tables.support_columns(), rows)
    return _json(answer)


@routes.get("/api/agent/insights/comments")
async def comments(request: web.Request) -> web.Response:
    await _admin(request)
    query = parse_query(CommentsQuery, request.query.items())
    answer = await request.app[INSIGHTS].comments(query)
    if query.format == Format.CSV:
        rows = tables.model_rows(answer.comments)
        return _csv("comments", answer.first, answer.last, tables.COMMENT_COLUMNS, rows)
    return _json(answer)


@routes.get("/api/agent/insights/conversations")
async def conversations(request: web.Request) -> web.Response:
    await _admin(request)
    query = parse_query(ConversationsQuery, request.query.items())
    answer = await request.app[INSIGHTS].conversations(query)
    if query.format == Format.CSV:
        rows = tables.model_rows(answer.conversations)
        name = f"conversations-{query.kind}"
        return _csv(name, answer.first, answer.last, tables.CONVERSATION_COLUMNS, rows)
    return _json(answer)


@routes.get("/api/agent/insights/retention")
async def retention(request: web.Request) -> web.Response:
    await _admin(request)
    query = parse_query(RangeQuery, request.query.items())
    answer = await request.app[INSIGHTS].retention(query)
    if query.format == Format.CSV:
        rows = tables.retention_rows(answer)
        return _csv("retention", answer.first, answer.last, tables.RETENTION_COLUMNS, rows)
    return _json(answer)


@routes.get("/api/agent/insights/influence")
async def influence(request: web.Request) -> web.Response:
    await _admin(request)
    query = parse_query(RangeQuery, request.query.items())
    answer = await request.app[INSIGHTS].influence(query)
    if query.format == Format.CSV:
        rows = tables.influence_rows(answer)
        return _csv("influence", answer.first, answer.last, tables.INFLUENCE_COLUMNS, rows)
    return _json(answer)
