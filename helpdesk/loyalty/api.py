"""The agent API of loyalty: the account of a conversation's shopper, and goodwill points."""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

# The agent API's own check (session cookie, CSRF token, Origin): shared, not copied.
from helpdesk.agents.api import logged_in_agent
from helpdesk.database import DB
from helpdesk.errors import BadRequest, Unavailable
from helpdesk.loyalty.answers import GoodwillGranted, GoodwillRequest, LoyaltyAccountPublic
from helpdesk.loyalty.goodwill import grant_goodwill
from helpdesk.loyalty.view import account_view
from helpdesk.policies.loading import Policies
from helpdesk.policies.loyalty_schema import LoyaltyPolicy
from helpdesk.policies.store import PoliciesUnavailable
from helpdesk.policies.watch import POLICIES
from helpdesk.web.keys import CLOCK
from helpdesk.web.middleware import read_json_object

routes = web.RouteTableDef()


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


def _policies(request: web.Request) -> Policies:
    try:
        return request.app[POLICIES].policies
    except PoliciesUnavailable:
        raise Unavailable("the policy files are invalid; fix loyalty.yml first") from None


def _loyalty(request: web.Request) -> LoyaltyPolicy:
    return _policies(request).loyalty


@routes.get("/api/agent/conversations/{conversation_id}/loyalty")
async def account(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    policies = _policies(request)
    async with request.app[DB].session() as session:
        view = await account_view(
            session,
            loyalty=policies.loyalty,
            agent=agent,
            conversation_id=request.match_info["conversation_id"],
            today=request.app[CLOCK].now().date(),
            soon_days=policies.engagement.messages.points_expiry_reminder.days_before,
        )
    return web.json_response(LoyaltyAccountPublic.of(view).model_dump(mode="json"))


@routes.post("/api/agent/conversations/{conversation_id}/loyalty/goodwill")
async def goodwill(request: web.Request) -> web.Response:
    agent, _ = await logged_in_agent(request)
    body = await _body(request)
    async with request.app[DB].session() as session:
        granted = await grant_goodwill(
            session,
            loyalty=_loyalty(request),
            agent=agent,
            conversation_id=request.match_info["conversation_id"],
            points=body.points,
            reason=body.reason,
            now=request.app[CLOCK].now(),
        )
    answer = GoodwillGranted(**vars(granted))
    return web.json_response(answer.model_dump(mode="json"), status=201)
