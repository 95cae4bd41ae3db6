"""GET /metrics: this replica's figures in the Prometheus text format, for whoever holds
METRICS_TOKEN. With no METRICS_TOKEN set, metrics are off: every scrape is refused (401), as
Shopify's webhooks are without their secret. (The route is public knowledge: /api/openapi.yaml
lists it, so a 404 would hide nothing.)"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from prometheus_client.metrics_core import Metric

from helpdesk.database import DB
from helpdesk.errors import Unauthorized
from helpdesk.live.events import AGENTS
from helpdesk.live.sockets import SOCKETS
from helpdesk.metrics.instruments import METRICS
from helpdesk.metrics.scrape import bot_families, live_families, queue_families, queues_by_team
from helpdesk.policies.watch import POLICIES
from helpdesk.rasa.monitor import BOT_MONITOR, BotStatus
from helpdesk.web.keys import CLOCK, EVENTS, SETTINGS

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


class WrongMetricsToken(Unauthorized):
    headers = {"WWW-Authenticate": 'Bearer realm="metrics"'}


class MetricsOff(WrongMetricsToken):
    code = "metrics_off"


def _require_token(request: web.Request) -> None:
    token = request.app[SETTINGS].metrics_token
    if not token:
        raise MetricsOff("metrics are off: set METRICS_TOKEN to serve them")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode("utf-8", "replace"), token.encode()
    ):
        raise WrongMetricsToken("send Authorization: Bearer <METRICS_TOKEN>")


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    _require_token(request)
    app = request.app
    open_sockets = sum(1 for socket in app[SOCKETS] if not socket.closed)
    scraped = [
        *await _queues(app),
        *bot_families(app[BOT_MONITOR].status, [status.value for status in BotStatus]),
        *live_families(open_sockets, app[EVENTS].listeners(AGENTS)),
    ]
    body, content_type = app[METRICS].exposition(scraped, request.headers.get("Accept", ""))
    response = web.Response(body=body)
    response.headers["Content-Type"] = content_type  # with its version, which content_type= drops
    return response


async def _queues(app: web.Application) -> list[Metric]:
    """The queue gauges, or none while the database does not answer: the other figures matter
    most exactly then."""
    support = app[POLICIES].support()
    try:
        async with app[DB].session() as session:
            queues = await queues_by_team(
                session, teams=support.teams if support else (), now=app[CLOCK].now()
            )
    except Exception:  # noqa: BLE001 - a scrape must outlive the database
        log.warning("metrics: the queue could not be read from the database", exc_info=True)
        return []
    return queue_families(queues)
