"""The merchant's policy files in the running service: re-read within seconds of an edit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from helpdesk.policies.store import PolicyStore

log = logging.getLogger(__name__)
POLICIES = web.AppKey("policies", PolicyStore)
RELOAD_INTERVAL_SECONDS = 1.0


def policy_context(directory: Path, interval: float = RELOAD_INTERVAL_SECONDS):
    """cleanup_ctx: load the policies, then look for edits every `interval` seconds.

    An invalid edit is refused by the store: the last valid version keeps serving and the errors
    show on /healthz. Reading happens in a thread: a slow disk must not stall the chat.
    """

    async def context(app: web.Application) -> AsyncIterator[None]:
        store = PolicyStore(directory)
        await asyncio.to_thread(store.reload)
        app[POLICIES] = store
        task = asyncio.create_task(_watch(store, interval))
        yield
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    return context


async def _watch(store: PolicyStore, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(store.reload)
        except Exception:  # noqa: BLE001 - keep watching whatever one read did
            log.exception("re-reading the policy files failed")


def policy_health(store: PolicyStore) -> dict:
    if store.errors:
        return {
            "status": "error",
            "version": store.version,
            "serving": store.ready,
            "errors": [str(error) for error in store.errors],
        }
    return {"status": "ok", "version": store.version}
