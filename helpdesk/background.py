"""Work the service repeats in the background while it runs (the bot's resolutions, the insights'
facts): each job on its own task, every so many seconds, a failure logged and tried again at the
next turn; the task ends with the service."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def repeating(
    job: Callable[[], Awaitable[object]], *, every: float, doing: str
) -> AsyncIterator[None]:
    """Runs `job` every `every` seconds (the first time after one wait) inside the block;
    `doing` names it in the log ("recording the bot's resolutions")."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await job()
            except Exception:  # noqa: BLE001 - the next turn tries again
                log.exception("%s failed", doing)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
