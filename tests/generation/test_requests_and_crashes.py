"""Who sees a design request and its results (isolation between users of one account and
between accounts), and a worker killed with SIGKILL mid-request: another worker finishes it,
with every variant made once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from brandkit.config import Settings
from brandkit.credits import service as credits
from brandkit.credits.models import CreditCycle, CreditEntry
from brandkit.db import transaction, utcnow
from brandkit.designs.models import DesignFile, Variant
from brandkit.jobs.models import Job
from brandkit.requests.models import Request
from tests.exports.helpers import run_jobs
from tests.factories import Factory

BODY: dict[str, Any] = {
    "name": "n",
    "type": "email",
    "subtype": "small-square",
    "numOfVariants": 4,
    "content": {"title": "Summer sale", "button": "Shop now"},
}


def _masked(response: Any, secret: str) -> tuple[int, Any]:
    return response.status_code, json.loads(response.text.replace(secret, "<id>"))


def test_a_users_requests_and_results_are_its_own(
    client: TestClient, app: FastAPI, factory: Factory
) -> None:
    a = factory.tenant()
    alice = factory.key(a.account_id, "general", user="alice")
    bob = factory.key(a.account_id, "general", user="bob")
    other = factory.tenant()
    r = client.post("/designs-from-content", json=BODY, headers=alice)
    assert r.status_code == 200, r.text
    created = r.json()["body"]
    run_jobs(app)
    request_id, design_id = created["requestId"], created["designId"]
    mine = client.post("/get-request-status", json={"requestId": request_id}, headers=alice)
    assert mine.json()["body"]["status"] == "completed"
    # The account's enterprise key sees it too.
    assert (
        client.post(
            "/get-request-status", json={"requestId": request_id}, headers=a.headers
        ).status_code
        == 200
    )
    unknown = "Zz9Zz9Zz9Zz"
    for headers in (bob, other.headers):
        for path, field, value in (
            ("/get-request-status", "requestId", request_id),
            ("/enterprise/get-design-variants", "designId", design_id),
        ):
            theirs = client.post(path, json={field: value}, headers=headers)
            nothing = client.post(
                path,
                json={
                    field: unknown
                    if field == "requestId"
                    else "00000000-0000-0000-0000-000000000000"
                },
                headers=headers,
            )
            assert theirs.status_code in (400, 404), theirs.text
            assert _masked(theirs, value) == _masked(
                nothing, unknown if field == "requestId" else "00000000-0000-0000-0000-000000000000"
            )
    listed = client.post(
        "/enterprise/get-design-variants", json={"designId": design_id}, headers=alice
    )
    assert len(listed.json()["body"]["variations"]) == 4


def test_a_worker_killed_mid_request_is_taken_over(
    client: TestClient, app: FastAPI, factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    t = factory.tenant()
    with transaction(factory.sessions, write=True) as s:
        cycle_id = credits.set_cycle(s, t.account_id, 10, 30, utcnow()).id
    r = client.post("/designs-from-content", json=BODY, headers=t.headers)
    assert r.status_code == 200, r.text
    request_id = r.json()["body"]["requestId"]
    env = {
        **os.environ,
        "BRANDKIT_DATABASE_URL": settings.database_url or "",
        "BRANDKIT_DATA_DIR": str(settings.data_dir),
        "BRANDKIT_SECRET_KEY": settings.secret_key or "",
        "BRANDKIT_PUBLIC_BASE_URL": settings.public_base_url or "",
        "BRANDKIT_LOG_LEVEL": "WARNING",
        "BRANDKIT_JOB_LEASE_SECONDS": "2",
        "BRANDKIT_WORKER_POLL_SECONDS": "0.1",
        # Test-only setting: a pause after each variant, so the worker dies half-way.
        "BRANDKIT_RENDER_VARIANT_SLEEP_SECONDS": "1.5",
    }
    brandkit = str(Path(sys.executable).parent / "brandkit")
    proc = subprocess.Popen([brandkit, "worker"], env=env, cwd=tmp_path)

    def progress() -> int:
        with transaction(factory.sessions) as s:
            row = s.get(Request, request_id)
            assert row is not None
            return row.progress

    try:
        deadline = time.monotonic() + 60
        while progress() < 25:
            assert time.monotonic() < deadline, "the worker made no progress"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    with transaction(factory.sessions) as s:
        half = s.get(Request, request_id)
        assert half is not None
        assert half.status == "processing"
        assert 25 <= half.progress < 100
        assert s.scalar(select(func.count()).select_from(Variant)) == 0
    time.sleep(2.1)
    assert run_jobs(app) >= 1
    status = client.post("/get-request-status", json={"requestId": request_id}, headers=t.headers)
    done = status.json()["body"]
    assert done["status"] == "completed", done
    ids = [v["variantId"] for v in done["result"]["variations"]]
    assert len(ids) == len(set(ids)) == 4
    with transaction(factory.sessions) as s:
        stored = list(s.scalars(select(Variant.id).where(Variant.design_id == done["designId"])))
        assert sorted(stored) == sorted(ids)
        keys = list(
            s.scalars(
                select(DesignFile.storage_key).where(DesignFile.design_id == done["designId"])
            )
        )
        assert len(keys) == len(set(keys))
        job = s.scalar(select(Job).where(Job.kind == "design.generate"))
        assert job is not None
        assert job.attempts == 2
    for key in keys:
        assert app.state.storage.exists(key), key
    # Debited once, for the four variants made, whatever the attempts.
    with transaction(factory.sessions) as s:
        cycle = s.get(CreditCycle, cycle_id)
        assert cycle is not None
        assert cycle.used == 4
        entries = list(s.scalars(select(CreditEntry.amount)))
        assert entries == [4]
