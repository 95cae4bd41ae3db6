"""Shopify's webhooks: POST /webhooks/shopify, its signature checked on the raw body before anything else."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal

from aiohttp import web

from helpdesk.database import DB
from helpdesk.errors import RequestTimeout, Unauthorized
from helpdesk.orders.shopify import verify_hmac
from helpdesk.orders.webhooks import TOPICS, receive
from helpdesk.web.keys import CLOCK, SETTINGS
from helpdesk.web.middleware import BODY_TIMEOUT_SECONDS, loads_plain

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
# Large orders outgrow the app's small default body limit; this route reads up to this itself.
MAX_BODY = 2 * 1024 * 1024


@routes.post("/webhooks/shopify")
async def shopify_webhook(request: web.Request) -> web.Response:
    body = await _raw_body(request)
    secret = request.app[SETTINGS].shopify_webhook_secret
    webhook_id = request.headers.get("X-Shopify-Webhook-Id", "-")
    if not verify_hmac(secret, body, request.headers.get("X-Shopify-Hmac-Sha256")):
        if not secret:
            log.warning("shopify webhook %s refused: SHOPIFY_WEBHOOK_SECRET is not set", webhook_id)
        raise Unauthorized(
            "the X-Shopify-Hmac-Sha256 signature is missing or does not match the body"
        )
    topic = request.headers.get("X-Shopify-Topic", "")
    if topic not in TOPICS:
        # 200, or Shopify retries a topic we will never handle.
        log.info("shopify webhook %s: topic %r ignored", webhook_id, topic)
        return web.json_response({"ignored": topic})
    payload = loads_plain(body, parse_float=Decimal)  # money never passes through float
    log.info("shopify webhook %s: %s", webhook_id, topic)
    delivery = request.headers.get("X-Shopify-Webhook-Id", "").strip()[:200] or None
    return web.json_response(
        await receive(
            request.app[DB], topic, payload, webhook_id=delivery, now=request.app[CLOCK].now()
        )
    )


async def _raw_body(request: web.Request) -> bytes:
    chunks, size = [], 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT_SECONDS):
            async for chunk in request.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > MAX_BODY:
                    raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=size)
                chunks.append(chunk)
    except TimeoutError:
        raise RequestTimeout(
            f"the body did not arrive within {BODY_TIMEOUT_SECONDS:g} seconds"
        ) from None
    return b"".join(chunks)
