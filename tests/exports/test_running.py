"""Exports while they run: progress, snapshot semantics, and a worker killed mid-export."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from brandkit.config import Settings
from brandkit.contacts.models import Activity, Contact
from brandkit.db import transaction
from brandkit.exports.models import Export
from brandkit.jobs.models import Job
from brandkit.kit.ids import new_uuid
from brandkit.storage.local import PARTIAL_DIR
from tests.exports import helpers as h
from tests.factories import Factory

START = datetime(2024, 3, 1, tzinfo=UTC)
BODY = {
    "exportType": "activities",
    "delimiter": ",",
    "dateFormat": "ISO",
    "filters": {"fromDate": "2024-03-01T00:00:00Z", "toDate": "2024-03-31T00:00:00Z"},
}


def export_row(factory: Factory, export_id: str) -> Export:
    with transaction(factory.sessions) as s:
        row = s.get(Export, export_id)
        assert row is not None
        return row


def wait_for(predicate: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_progress_and_snapshot_while_running(
    client: TestClient, app: FastAPI, factory: Factory
) -> None:
    t = h.tenant(factory)
    seeded = h.seed(factory.sessions, t.account_id, start=START, contacts=4, activities=40)
    export_id = h.create(client, t, BODY).json()["id"]
    slow = h.worker(
        app, export_batch_rows=5, export_batch_sleep_seconds=0.15, job_lease_seconds=0.9
    )
    runner = threading.Thread(target=slow.run_once)
    runner.start()
    wait_for(lambda: export_row(factory, export_id).progress > 0)
    running = client.get(f"/exports/{export_id}", headers=t.headers).json()
    assert running["status"] == "inProgress"
    assert running["total"] == 40
    assert 0 < running["progress"] < 40
    assert running["fileUrl"] is None
    # Written during the export: new rows in the window (one back-dated before every exported
    # row), and a changed email on an exported contact.
    with transaction(factory.sessions, write=True) as s:
        s.add_all(
            Activity(
                id=new_uuid(),
                account_id=t.account_id,
                contact_id=seeded.contacts[0].id,
                type="login",
                occurred_at=START + timedelta(minutes=m),
                payload="{}",
            )
            for m in (-0, 1, 600, 6000)
        )
        s.execute(
            update(Contact)
            .where(Contact.id == seeded.contacts[0].id)
            .values(email="changed@example.com")
        )
    runner.join()
    done = client.get(f"/exports/{export_id}", headers=t.headers).json()
    assert done["status"] == "finished"
    assert done["progress"] == done["total"] == 40
    rows = h.parse(h.csv_of(h.download(client, done["fileUrl"]))[1], ",")[1:]
    assert sorted(r[0] for r in rows) == sorted(a.id for a in seeded.activities)
    assert "changed@example.com" not in {r[2] for r in rows}
    # A new export sees the new rows.
    again = h.finished(client, app, t, BODY)
    assert again["total"] == 44


def test_worker_killed_mid_export_is_taken_over(
    client: TestClient, app: FastAPI, factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    t = h.tenant(factory)
    seeded = h.seed(
        factory.sessions,
        t.account_id,
        start=START,
        contacts=6,
        activities=120,
        step=timedelta(hours=2),
    )
    export_id = h.create(client, t, BODY).json()["id"]
    env = {
        **os.environ,
        "BRANDKIT_DATABASE_URL": settings.database_url or "",
        "BRANDKIT_DATA_DIR": str(settings.data_dir),
        "BRANDKIT_SECRET_KEY": settings.secret_key or "",
        "BRANDKIT_LOG_LEVEL": "WARNING",
        "BRANDKIT_JOB_LEASE_SECONDS": "1",
        "BRANDKIT_WORKER_POLL_SECONDS": "0.1",
        "BRANDKIT_EXPORT_BATCH_ROWS": "10",
        # Test-only setting: slow the export down so that it can be killed half-way.
        "BRANDKIT_EXPORT_BATCH_SLEEP_SECONDS": "0.2",
    }
    brandkit = str(Path(sys.executable).parent / "brandkit")
    proc = subprocess.Popen([brandkit, "worker"], env=env, cwd=tmp_path)
    try:
        wait_for(lambda: export_row(factory, export_id).progress >= 30)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    half = export_row(factory, export_id)
    assert half.status == "inProgress"
    assert 30 <= half.progress < 120
    with transaction(factory.sessions) as s:
        held = s.scalar(select(Job).where(Job.id == half.job_id))
        assert held is not None
        assert held.status == "running"
        assert held.locked_by is not None
    storage = app.state.storage
    assert list((storage.root / PARTIAL_DIR).glob("*")), "the dead attempt left a partial"
    # Its lease runs out; another worker takes the job over and finishes it.
    time.sleep(1.1)
    assert h.run_jobs(app) >= 1
    done = client.get(f"/exports/{export_id}", headers=t.headers).json()
    assert done["status"] == "finished"
    with transaction(factory.sessions) as s:
        job = s.get(Job, half.job_id)
        assert job is not None
        assert job.status == "completed"
        assert job.attempts == 2
    rows = h.parse(h.csv_of(h.download(client, done["fileUrl"]))[1], ",")[1:]
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)) == 120
    assert set(ids) == {a.id for a in seeded.activities}
    published = list((storage.root / "exports" / t.account_id / export_id).rglob("*.zip"))
    assert len(published) == 1
    # The dead attempt's partial file is swept.
    assert storage.sweep_partials("exports/", 0) >= 1
    assert not list((storage.root / PARTIAL_DIR).glob("*"))
    assert orjson.loads(rows[0][5]) is not None
