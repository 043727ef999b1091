"""The API process (uvicorn in a subprocess, on PostgreSQL) killed with SIGKILL while uploads are
streaming into the local backend, and while its embedded worker writes an export; then started
again on the same database and data directory."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from brandkit.uploads.service import UPLOAD_NOT_FOUND
from tests.exports.helpers import EXPORT_SCOPES, csv_of, parse, seed
from tests.factories import Factory, Tenant
from tests.faults.live import LiveServer
from tests.storage.samples import image_bytes


def _presign(c: httpx.Client, t: Tenant) -> dict[str, Any]:
    r = c.post(
        "/files/get-presigned-url", json={"type": "photo", "extension": "png"}, headers=t.headers
    )
    assert r.status_code == 200, r.text
    grant: dict[str, Any] = r.json()["body"]
    return grant


def _register(c: httpx.Client, t: Tenant, grant: dict[str, Any]) -> httpx.Response:
    return c.post(
        "/media/create", json={"type": "photo", "uploadUrl": grant["uploadUrl"]}, headers=t.headers
    )


def _slow_body(
    started: threading.Event, size: int = 400_000, chunk: int = 10_000
) -> Iterator[bytes]:
    """A PUT body that takes ~4 s to send: the kill lands in the middle of it."""
    for _ in range(size // chunk):
        yield os.urandom(chunk)
        started.set()
        time.sleep(0.1)


def test_a_kill_mid_upload_leaves_no_partial_file_and_keeps_completed_uploads(
    pg_url: str, pg_factory: Factory, tmp_path: Path
) -> None:
    t = pg_factory.tenant()
    png = image_bytes("png", (40, 30))
    data_dir = tmp_path / "data"
    server = LiveServer(pg_url, data_dir)
    server.start()
    try:
        with httpx.Client(base_url=server.base_url, timeout=10) as c:
            done = [_presign(c, t) for _ in range(3)]
            for grant in done:
                assert (
                    c.put(grant["uploadUrl"], content=png, headers=grant["headers"]).status_code
                    == 200
                )
            registered = _register(c, t, done[0])
            assert registered.status_code == 200, registered.text
            in_flight = [_presign(c, t) for _ in range(4)]

        outcomes: list[object] = []

        def put(grant: dict[str, Any], started: threading.Event) -> None:
            try:
                with httpx.Client(timeout=10) as c:
                    outcomes.append(
                        c.put(
                            grant["uploadUrl"],
                            content=_slow_body(started),
                            headers=grant["headers"],
                        )
                    )
            except httpx.TransportError as exc:
                outcomes.append(exc)

        starts = [threading.Event() for _ in in_flight]
        threads = [
            threading.Thread(target=put, args=(g, s))
            for g, s in zip(in_flight, starts, strict=True)
        ]
        for th in threads:
            th.start()
        for s in starts:
            assert s.wait(10)
        time.sleep(0.5)
        server.kill()
        for th in threads:
            th.join(15)
        assert len(outcomes) == 4
        assert all(isinstance(o, httpx.TransportError) for o in outcomes), outcomes

        server.start()
        with httpx.Client(base_url=server.base_url, timeout=10) as c:
            # No partial upload was stored under its key, nor can it be registered.
            for grant in in_flight:
                assert list(data_dir.rglob(grant["fileName"])) == []
                r = _register(c, t, grant)
                assert r.status_code == 400, r.text
                assert r.json()["body"]["message"] == UPLOAD_NOT_FOUND
            # What completed before the kill is whole: the registered media serves its bytes,
            # the uploads not yet registered register now.
            listed = c.post("/media/get", json={}, headers=t.headers).json()["body"]["media"]
            assert [m["mId"] for m in listed] == [registered.json()["body"]["media"]["mId"]]
            assert c.get(listed[0]["url"]).content == png
            for grant in done[1:]:
                r = _register(c, t, grant)
                assert r.status_code == 200, r.text
                assert c.get(r.json()["body"]["media"]["url"]).content == png
            # The interrupted client presigns again and finishes.
            for _ in in_flight:
                grant = _presign(c, t)
                assert (
                    c.put(grant["uploadUrl"], content=png, headers=grant["headers"]).status_code
                    == 200
                )
                assert _register(c, t, grant).status_code == 200
            media = c.post("/media/get", json={"limit": 50}, headers=t.headers).json()["body"][
                "media"
            ]
            assert len(media) == 3 + 4
    finally:
        server.stop()


def test_a_kill_mid_export_is_resumed_into_one_complete_file(
    pg_url: str, pg_factory: Factory, tmp_path: Path
) -> None:
    t = pg_factory.tenant("general", EXPORT_SCOPES)
    seeded = seed(
        pg_factory.sessions,
        t.account_id,
        contacts=30,
        activities=0,
        start=datetime(2026, 1, 1, tzinfo=UTC),
    )
    data_dir = tmp_path / "data"
    server = LiveServer(
        pg_url,
        data_dir,
        embedded_worker="true",
        worker_poll_seconds="0.1",
        job_lease_seconds="2",
        export_batch_rows="3",
        export_batch_sleep_seconds="0.3",
    )
    server.start()
    try:
        with httpx.Client(base_url=server.base_url, timeout=10) as c:
            body = {"exportType": "contacts", "delimiter": ";", "dateFormat": "ISO"}
            r = c.post("/exports/", json=body, headers=t.headers)
            assert r.status_code == 201, r.text
            export_id = r.json()["id"]
            deadline = time.monotonic() + 20
            while (got := c.get(f"/exports/{export_id}", headers=t.headers).json())["progress"] < 6:
                assert got["status"] == "inProgress", got
                assert time.monotonic() < deadline, "the export never got going"
                time.sleep(0.05)
        server.kill()
        assert got["status"] == "inProgress"

        server.start()
        with httpx.Client(base_url=server.base_url, timeout=10) as c:
            deadline = time.monotonic() + 60
            while (got := c.get(f"/exports/{export_id}", headers=t.headers).json())[
                "status"
            ] != "finished":
                assert got["status"] == "inProgress", got
                assert time.monotonic() < deadline, "the export was not resumed"
                time.sleep(0.2)
            assert (got["progress"], got["total"]) == (30, 30)
            archive = c.get(got["fileUrl"])
            assert archive.status_code == 200, archive.text
    finally:
        server.stop()
    _, data = csv_of(archive.content)
    header, *rows = parse(data, ";")
    assert header[0] == "Contact ID"
    ids = [row[0] for row in rows]
    assert sorted(ids) == sorted(c.id for c in seeded.contacts)  # none missing, none twice
    # One complete file published for the export; the killed attempt's file is not another one.
    files = [p for p in data_dir.rglob("*.zip") if export_id in p.as_posix()]
    assert len(files) == 1, files
