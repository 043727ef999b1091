"""Rate limits across several API processes: the counters live in Redis when it is configured."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from brandkit.app import create_app
from brandkit.config import Settings
from tests.factories import Factory

REDIS_URL = os.environ.get("BRANDKIT_TEST_REDIS_URL")
if os.environ.get("CI") == "true" and not REDIS_URL:
    raise pytest.UsageError("CI must set BRANDKIT_TEST_REDIS_URL: Redis is not optional there")

LIMIT = 3


def _two_processes(
    settings: Settings, engine: Engine, redis_url: str | None
) -> Iterator[tuple[TestClient, TestClient]]:
    """Two independent app instances over one database, as two processes behind a balancer."""
    shared = settings.model_copy(update={"rate_limit_enterprise": LIMIT, "redis_url": redis_url})
    with (
        TestClient(create_app(shared, engine=engine)) as first,
        TestClient(create_app(shared, engine=engine)) as second,
    ):
        yield first, second


@pytest.mark.skipif(REDIS_URL is None, reason="BRANDKIT_TEST_REDIS_URL is not set")
def test_redis_counts_one_budget_across_processes(
    settings: Settings, engine: Engine, factory: Factory
) -> None:
    t = factory.tenant()
    for first, second in _two_processes(settings, engine, REDIS_URL):
        statuses = [
            client.post("/media/get", json={}, headers=t.headers).status_code
            for client in (first, second, first, second)
        ]
        assert statuses == [200, 200, 200, 429]
        r = second.post("/media/get", json={}, headers=t.headers)
        assert r.status_code == 429
        assert int(r.headers["Retry-After"]) >= 1


def test_memory_counters_are_per_process(
    settings: Settings, engine: Engine, factory: Factory
) -> None:
    """Why Redis is needed with several processes: in memory each process counts alone."""
    t = factory.tenant()
    for first, second in _two_processes(settings, engine, None):
        statuses = [
            client.post("/media/get", json={}, headers=t.headers).status_code
            for client in (first, second, first, second)
        ]
        assert statuses == [200, 200, 200, 200]
        assert first.post("/media/get", json={}, headers=t.headers).status_code == 200
        assert first.post("/media/get", json={}, headers=t.headers).status_code == 429
