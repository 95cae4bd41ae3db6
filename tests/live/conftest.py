"""A Redis server of a test's own and two hubs on it, as two replicas of one shop have."""

from __future__ import annotations

import uuid

import pytest

from helpdesk.live.redis_events import RedisEventHub
from tests.support.servers import RedisProcess


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of this test's own (tests/support/servers.py), stopped afterwards."""
    server = RedisProcess(tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
async def hubs(redis_server):
    """Two started hubs on one prefix, as two replicas of one shop have; closed afterwards."""
    prefix = f"helpdesk:shop-{uuid.uuid4().hex[:8]}:"
    started = [RedisEventHub(redis_server.url, prefix) for _ in range(2)]
    try:
        for hub in started:
            await hub.start()
        yield started
    finally:
        for hub in started:
            await hub.close()
