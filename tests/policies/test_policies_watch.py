"""In a running service an edit to a policy file is picked up; a broken edit shows on /healthz."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from helpdesk.app import create_app
from helpdesk.policies.watch import POLICIES
from helpdesk.settings import PROJECT_ROOT


@pytest.fixture
async def live(clock, aiohttp_client, settings, fake_bot, detector, tmp_path):
    shutil.copytree(PROJECT_ROOT / "policies", tmp_path / "policies")
    settings.policies_dir = tmp_path / "policies"
    return await aiohttp_client(create_app(settings, bot=fake_bot, detector=detector, clock=clock))


async def health_until(client, predicate, seconds: float = 10) -> dict:
    for _ in range(int(seconds * 10)):
        body = await (await client.get("/healthz")).json()
        if predicate(body):
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"/healthz never satisfied the condition: {body}")


def window_days(client, country: str) -> int:
    from helpdesk.policies.returns import return_rules

    return return_rules(client.app[POLICIES].policies.returns, country).window_days


async def test_an_edit_takes_effect_without_a_restart(live, settings):
    assert (await health_until(live, lambda b: True))["policies"] == {"status": "ok", "version": 1}
    returns = settings.policies_dir / "returns.yml"
    returns.write_text(returns.read_text().replace("window_days: 60", "window_days: 90"))
    await health_until(live, lambda b: b["policies"]["version"] == 2)
    assert window_days(live, "DE") == 90


async def test_a_broken_edit_is_refused_and_the_last_valid_version_serves(live, settings):
    returns = settings.policies_dir / "returns.yml"
    returns.write_text(returns.read_text().replace("window_days: 60", "window_days: sixty"))
    body = await health_until(live, lambda b: b["policies"]["status"] == "error")
    assert body["status"] == "ok"  # the service itself is fine
    assert body["policies"]["serving"] is True and body["policies"]["version"] == 1
    [error] = body["policies"]["errors"]
    assert error.startswith("returns.yml line ") and "window_days" in error and "'sixty'" in error
    assert window_days(live, "DE") == 60
