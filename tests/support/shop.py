"""The shop as actions see it in tests: a copy of the policies, a migrated database with one
conversation ("c1"), and a fixed clock, handed to the actions like the webhook does."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from bot.actions.services import ShopServices, use_services
from helpdesk.chat.models import Conversation
from helpdesk.database import Database
from helpdesk.policies.store import PolicyStore
from helpdesk.settings import PROJECT_ROOT, Settings


@asynccontextmanager
async def shop_for_actions(
    settings: Settings, folder: Path, now: datetime, fill=None
) -> AsyncIterator[ShopServices]:
    """`fill(session, policies)` adds the test's orders before the actions run."""
    shutil.copytree(PROJECT_ROOT / "policies", folder / "policies")
    policies = PolicyStore(folder / "policies")
    policies.reload()
    database = Database(f"sqlite:///{folder / 'shop.db'}")
    await database.upgrade()
    async with database.session() as session:
        session.add(Conversation(id="c1", token_hash="t", shop="s", lang="en"))
        await session.commit()
        if fill is not None:
            await fill(session, policies.policies)
    services = ShopServices(
        settings=settings, database=database, policies=policies, now=lambda: now
    )
    with use_services(services):
        yield services
    await database.close()
