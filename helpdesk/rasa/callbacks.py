"""Rasa's doors: the action webhook and the NLG endpoint, on a listener of their own.

Nothing on the public port can run an action or render a reply for a conversation: both speak
for a shopper who proved an order, so only Rasa may call them. They listen on a private address
(127.0.0.1 by default) and every call must carry the shared secret that the launcher generates
and hands to Rasa (`bot/endpoints.yml` sends it as a bearer token).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from helpdesk.errors import Unauthorized, Unavailable
from helpdesk.rasa import actions_api, nlg_api
from helpdesk.settings import Settings
from helpdesk.web.middleware import error_middleware

log = logging.getLogger(__name__)
CALLBACKS_PORT = web.AppKey("rasa_callbacks_port", int)  # where it listens (tests ask for any)
# A tracker grows with the conversation: Rasa sends all of it with every action call.
MAX_CALL_SIZE = 16 * 1024 * 1024


def _require_secret(secret: str):
    @web.middleware
    async def check(request: web.Request, handler):
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if not secret:
            raise Unavailable(
                "RASA_CALLBACKS_TOKEN is not set: the helpdesk takes no calls from Rasa"
            )
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), secret.encode()
        ):
            raise Unauthorized(
                "only Rasa may call this: send Authorization: Bearer <RASA_CALLBACKS_TOKEN>"
            )
        return await handler(request)

    return check


def callbacks_app(main: web.Application, secret: str) -> web.Application:
    """The private application: the action webhook and the NLG endpoint, sharing the main app's
    shop services."""
    app = web.Application(
        middlewares=[error_middleware, _require_secret(secret)], client_max_size=MAX_CALL_SIZE
    )
    app[actions_api.EXECUTOR] = main[actions_api.EXECUTOR]
    app[actions_api.SERVICES] = main[actions_api.SERVICES]
    app.router.add_routes(actions_api.routes)
    app.router.add_routes(nlg_api.routes)
    return app


def callbacks_context(settings: Settings):
    """cleanup_ctx: serve Rasa's doors on their own address while the app runs."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        if not settings.rasa_callbacks_token:
            log.warning(
                "RASA_CALLBACKS_TOKEN is not set: Rasa's calls (actions, replies) are "
                "refused; `make run` sets it for the Rasa server it starts"
            )
        runner = web.AppRunner(
            callbacks_app(app, settings.rasa_callbacks_token), access_log=None, handle_signals=False
        )
        await runner.setup()
        site = web.TCPSite(runner, settings.rasa_callbacks_host, settings.rasa_callbacks_port)
        await site.start()
        app[CALLBACKS_PORT] = runner.addresses[0][1]
        log.info(
            "Rasa's calls are taken on %s:%s", settings.rasa_callbacks_host, app[CALLBACKS_PORT]
        )
        try:
            yield
        finally:
            await runner.cleanup()

    return context
