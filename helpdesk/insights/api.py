"""The insights API, for admins: the support KPIs, the comments, the conversations behind a
figure, retention and support-influenced revenue of a range of days; as JSON, or with
?format=csv as a CSV file to download. Reading only: GETs, so no CSRF token is asked for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel

from helpdesk.agents.api import COOKIE, DESK
from helpdesk.agents.models import Role
from helpdesk.errors import Forbidden
from helpdesk.insights import tables
from helpdesk.insights.answers import (
    Asked,
    CommentsAnswer,
    ConversationsAnswer,
    InfluenceAnswer,
    RetentionAnswer,
    SupportAnswer,
)
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


Rows = Iterable[Mapping[str, Any]]


class AdminsOnly(Forbidden):
    code = "admins_only"


async def require_admin(request: web.Request) -> None:
    """401 without a session, 403 for an agent who is no admin."""
    agent, _ = await request.app[DESK].agent_for(request.cookies.get(COOKIE))
    if agent.role != Role.ADMIN:
        raise AdminsOnly("the insights are for admins: ask an admin to give you that role")


def _json(answer: BaseModel) -> web.Response:
    body = answer.model_dump(mode="json", by_alias=True)
    return web.json_response(body, headers=PRIVATE)


def _csv(name: str, first: date, last: date, columns: list[str], rows: Rows) -> web.Response:
    return web.Response(
        text=tables.as_csv(columns, rows),
        content_type="text/csv",
        charset="utf-8",
        headers={
            **PRIVATE,
            "Content-Disposition": f'attachment; filename="{name}-{first}-to-{last}.csv"',
        },
    )


Q = TypeVar("Q", bound=RangeQuery)
A = TypeVar("A", bound=Asked)


async def _answer(
    request: web.Request,
    model: type[Q],
    ask: Callable[[Insights, Q], Awaitable[A]],
    as_table: Callable[[Q, A], tuple[str, list[str], Rows]],
) -> web.Response:
    """What every insights call does: admins only, the query checked, the figures asked for,
    then JSON, or CSV as `as_table` lays them out (file name, columns, rows)."""
    await require_admin(request)
    query = parse_query(model, request.query.items())
    answer = await ask(request.app[INSIGHTS], query)
    if query.format == Format.CSV:
        name, columns, rows = as_table(query, answer)
        return _csv(name, answer.first, answer.last, columns, rows)
    return _json(answer)


@routes.get("/api/agent/insights/support")
async def support(request: web.Request) -> web.Response:
    def as_table(_query: SupportQuery, answer: SupportAnswer) -> tuple[str, list[str], Rows]:
        return "support", tables.support_columns(), tables.support_rows(answer.figures)

    return await _answer(request, SupportQuery, Insights.support, as_table)


@routes.get("/api/agent/insights/comments")
async def comments(request: web.Request) -> web.Response:
    def as_table(_query: CommentsQuery, answer: CommentsAnswer) -> tuple[str, list[str], Rows]:
        return "comments", tables.COMMENT_COLUMNS, tables.model_rows(answer.comments)

    return await _answer(request, CommentsQuery, Insights.comments, as_table)


@routes.get("/api/agent/insights/conversations")
async def conversations(request: web.Request) -> web.Response:
    def as_table(
        query: ConversationsQuery, answer: ConversationsAnswer
    ) -> tuple[str, list[str], Rows]:
        rows = tables.model_rows(answer.conversations)
        return f"conversations-{query.kind}", tables.CONVERSATION_COLUMNS, rows

    return await _answer(request, ConversationsQuery, Insights.conversations, as_table)


@routes.get("/api/agent/insights/retention")
async def retention(request: web.Request) -> web.Response:
    def as_table(_query: RangeQuery, answer: RetentionAnswer) -> tuple[str, list[str], Rows]:
        return "retention", tables.RETENTION_COLUMNS, tables.retention_rows(answer)

    return await _answer(request, RangeQuery, Insights.retention, as_table)


@routes.get("/api/agent/insights/influence")
async def influence(request: web.Request) -> web.Response:
    def as_table(_query: RangeQuery, answer: InfluenceAnswer) -> tuple[str, list[str], Rows]:
        return "influence", tables.INFLUENCE_COLUMNS, tables.influence_rows(answer)

    return await _answer(request, RangeQuery, Insights.influence, as_table)
