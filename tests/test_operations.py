"""What an operator reads: liveness, readiness with each dependency named, Prometheus metrics,
JSON log lines with request id, account, route, status and duration."""

from __future__ import annotations

import json
import logging
import os
import shutil
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from brandkit.app import create_app
from brandkit.config import Settings
from brandkit.kit.logs import JsonFormatter
from tests.exports import helpers as h
from tests.factories import Factory

REDIS_URL = os.environ.get("BRANDKIT_TEST_REDIS_URL")


def test_healthz_is_liveness_and_readyz_names_each_dependency(client: TestClient, app: Any) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}
    # The file store gone (its folder replaced by a file): not ready, and it says which.
    root = app.state.storage.local_path("x").parent
    shutil.rmtree(root)
    root.write_text("not a folder")
    r = client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert "not writable" in body["checks"]["storage"]
    assert client.get("/healthz").status_code == 200


def test_readyz_checks_redis_when_it_is_configured(settings: Settings, engine: Engine) -> None:
    if REDIS_URL is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI sets BRANDKIT_TEST_REDIS_URL")
        pytest.skip("needs BRANDKIT_TEST_REDIS_URL")
    for url, expected in [(REDIS_URL, 200), ("redis://127.0.0.1:9/0", 503)]:
        app = create_app(settings.model_copy(update={"redis_url": url}), engine=engine)
        with TestClient(app) as c:
            r = c.get("/readyz")
        assert r.status_code == expected, r.text
        assert ("redis" in r.json()["checks"]) is True
        assert (r.json()["checks"]["redis"] == "ok") is (expected == 200)


def test_metrics_count_requests_jobs_and_export_rows(
    client: TestClient, app: Any, factory: Factory
) -> None:
    t = h.tenant(factory)
    h.seed(factory.sessions, t.account_id, contacts=3, activities=4, start=h_start())
    for _ in range(3):
        client.post("/media/get", json={}, headers={"sivi-api-key": "bad:key"})
    created = h.create(client, t, {"exportType": "contacts", "delimiter": ",", "dateFormat": "L"})
    assert created.status_code == 201
    text = client.get("/metrics").text
    assert 'brandkit_requests_total{method="POST",route="/media/get",status="401"}' in text
    assert 'brandkit_request_seconds_bucket{le="0.005",route="/media/get"}' in text
    assert 'brandkit_jobs_queued{kind="export"} 1.0' in text
    assert 'brandkit_job_oldest_queued_seconds{kind="export"}' in text
    h.run_jobs(app)
    text = client.get("/metrics").text
    assert 'brandkit_jobs_queued{kind="export"}' not in text
    assert 'brandkit_job_seconds_count{kind="export",outcome="completed"}' in text
    rows = [line for line in text.splitlines() if line.startswith("brandkit_export_rows_total")]
    assert rows
    assert float(rows[0].split()[-1]) >= 3


def h_start() -> Any:
    from datetime import timedelta

    from brandkit.db import utcnow

    return utcnow() - timedelta(days=1)


def test_json_log_lines_carry_request_account_route_status_and_duration(
    client: TestClient, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    t = factory.tenant()
    with caplog.at_level(logging.INFO, logger="brandkit.access"):
        r = client.post("/media/get", json={}, headers=t.headers)
    assert r.status_code == 200
    record = next(rec for rec in caplog.records if rec.name == "brandkit.access")
    line = json.loads(JsonFormatter().format(record))
    assert line["route"] == "/media/get"
    assert line["status"] == 200
    assert line["method"] == "POST"
    assert line["account_id"] == t.account_id
    assert line["duration_ms"] >= 0
    assert line["request_id"] == r.headers["x-request-id"]
    assert line["level"] == "INFO"


def test_docs_and_redoc_load_every_asset_from_brandkit(client: TestClient) -> None:
    import re

    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200
        assets = re.findall(r'(?:src|href)=["\']([^"\']+)["\']', r.text)
        assert assets, page
        for url in assets:
            # Same origin only: a page that needs a CDN is blank on a machine without internet.
            assert url.startswith("/"), (page, url)
            got = client.get(url)
            assert got.status_code == 200, url
            assert len(got.content) > 1000, url
        assert "/openapi.json" in r.text
    assert client.get("/openapi.json").json()["paths"]
