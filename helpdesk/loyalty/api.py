"""The agent API of loyalty: goodwill points for the shopper of a conversation."""

from __future__ import annotations

from datetime import datetime

import pydantic
from aiohttp import web
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from helpdesk.agents.api import _agent as logged_in_agent
from helpdesk.database import DB
from helpdesk.errors import BadRequest, Unavailable
from helpdesk.loyalty.goodwill import grant_goodwill
from helpdesk.policies.store import PoliciesUnavailable
from helpdesk.policies.watch import POLICIES
from helpdesk.web.keys import CLOCK
from helpdesk.web.middleware import read_json_object

routes = web.RouteTableDef()
MAX_REASON = 500  # a sentence or two; the history is read, not archived documents
MAX_POINTS = 10_000_000  # loyalty.yml's cap is lower; this keeps the number a sane integer


class GoodwillRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: no "5" for 5
    points: int = pydantic.Field(ge=1, le=MAX_POINTS)
    reason: str = pydantic.Field(max_length=MAX_REASON)

    @field_validator("reason")
    @classmethod
    def _said(cls, reason: str) -> str:
        reason = reason.strip()
        if not reason:
            raise ValueError("say why the shopper gets these points (kept in their history)")
        return reason


class GoodwillGranted(BaseModel):
    email: str  # the account that got the points
    points: int
    reason: str
    balance: int
    at: datetime


class BadGoodwill(BadRequest):
    """The body's field that is wrong is in the code, so that a client knows what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.code = {"points": "bad_points", "reason": "bad_reason"}.get(field, "bad_request")


async def _body(request: web.Request) -> GoodwillRequest:
    body = await read_json_object(request)
    try:
        return GoodwillRequest.model_validate(body)
    except ValidationError as error:
        problem = error.errors()[0]
        field = str(problem["loc"][0]) if problem["loc"] else "body"
        message = problem["msg"].removeprefix("Value error, ")
        raise BadGoodwill(field, f"{field}: {message}") from None


@routes.post("/api/agent/conversations/{conversation_id}/loyalty/goodwill")
async def goodwill(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    body = await _body(request)
    try:
        loyalty = request.app[POLICIES].policies.loyalty
    except PoliciesUnavailable:
        raise Unavailable("the policy files are invalid; fix loyalty.yml first") from None
    async with request.app[DB].session() as session:
        granted = await grant_goodwill(
            session,
            loyalty=loyalty,
            agent=agent,
            conversation_id=request.match_info["conversation_id"],
            points=body.points,
            reason=body.reason,
            now=request.app[CLOCK].now(),
        )
    answer = GoodwillGranted(**vars(granted))
    return web.json_response(answer.model_dump(mode="json"), status=201)
