"""The access log: one line per request, without query strings (they can carry a customer's
email on /demo, and once carried chat tokens), and with the client's address as our trusted
proxies report it."""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from helpdesk.web.client import client_address
from helpdesk.web.keys import SETTINGS


class AccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        # The application's requests are web.Requests; a bare server's have no app nor settings.
        address = (
            client_address(request)
            if isinstance(request, web.Request) and SETTINGS in request.app
            else request.remote
        )
        self.logger.info(
            '%s "%s %s" %s %s %.0fms',
            address,
            request.method,
            request.path,
            response.status,
            response.body_length,
            time * 1000,
        )
