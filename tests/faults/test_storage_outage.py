"""The S3 endpoint unreachable (a relay in front of moto taken down): presigning still works (it
is signed locally), registering an upload and writing an export answer a clear 503 in their
envelopes within seconds, with no traceback, and nothing is half-registered. Once the endpoint is
back, the same upload registers and the export finishes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func, select

from brandkit.config import Settings
from brandkit.db import transaction
from brandkit.jobs.runner import Worker
from brandkit.media.models import Media
from brandkit.uploads.models import Upload
from tests.exports.helpers import EXPORT_SCOPES, csv_of, parse, seed
from tests.factories import Factory, Tenant
from tests.faults.outage import Outage
from tests.storage.conftest import Live, live_app
from tests.storage.s3guard import GuardedMotoServer
from tests.storage.samples import image_bytes

STORAGE_DOWN = "File storage is temporarily unavailable"


@pytest.fixture
def s3_behind_relay(settings: Settings, engine: Engine) -> Iterator[tuple[Live, Outage]]:
    moto = GuardedMotoServer()
    moto.start()
    relay = Outage(moto.url)
    relay.up()
    # The bucket is made through the relay, so the app only ever knows the relay's address.
    with contextmanager(live_app)(settings, engine, "s3", relay.url) as live:
        yield live, relay
    relay.down()
    moto.stop()


def _media_count(factory: Factory, t: Tenant) -> int:
    with transaction(factory.sessions) as s:
        return int(s.scalar(select(func.count()).where(Media.account_id == t.account_id)) or 0)


def _pending(factory: Factory, t: Tenant) -> int:
    with transaction(factory.sessions) as s:
        return int(s.scalar(select(func.count()).where(Upload.account_id == t.account_id)) or 0)


def _assert_clean_503(r: Any, envelope: bool) -> None:
    assert r.status_code == 503, r.text
    assert "Traceback" not in r.text
    assert "botocore" not in r.text
    assert "Endpoint" not in r.text
    assert r.headers["retry-after"]
    if envelope:
        assert r.json() == {"status": 503, "body": {"message": STORAGE_DOWN}}
    else:
        assert r.json()["status"] == 503
        assert r.json()["detail"] == STORAGE_DOWN


def test_media_create_is_a_clean_503_while_s3_is_down_and_works_after(
    s3_behind_relay: tuple[Live, Outage], factory: Factory
) -> None:
    live, relay = s3_behind_relay
    t = factory.tenant()
    png = image_bytes("png")
    grant = live.upload(t, png, type="photo", extension="png")
    relay.down()
    try:
        fresh = live.call("/files/get-presigned-url", {"type": "photo", "extension": "png"}, t)
        assert fresh.status_code == 200, fresh.text  # signed locally: no call to the store
        started = time.monotonic()
        r = live.call("/media/create", {"type": "photo", "uploadUrl": grant["uploadUrl"]}, t)
        _assert_clean_503(r, envelope=True)
        assert time.monotonic() - started < 15, "an unreachable store must fail fast"
        # Nothing half-registered: no media, the upload still pending for a retry.
        assert _media_count(factory, t) == 0
        assert _pending(factory, t) == 2
        assert live.call("/media/get", {}, t).json()["body"]["media"] == []
    finally:
        relay.up()
    r = live.call("/media/create", {"type": "photo", "uploadUrl": grant["uploadUrl"]}, t)
    assert r.status_code == 200, r.text
    served = live.http.get(r.json()["body"]["media"]["url"])
    assert served.status_code == 200
    assert served.content == png


def test_an_export_written_while_s3_is_down_is_retried_and_finishes_once_it_is_back(
    s3_behind_relay: tuple[Live, Outage], factory: Factory
) -> None:
    live, relay = s3_behind_relay
    t = factory.tenant("general", EXPORT_SCOPES)
    seed(
        factory.sessions,
        t.account_id,
        contacts=4,
        activities=0,
        start=datetime(2026, 1, 1, tzinfo=UTC),
    )
    app: FastAPI = live.app
    worker = Worker(app.state.engine, live.settings, app.state.storage)
    body = {"exportType": "contacts", "delimiter": ",", "dateFormat": "ISO"}
    r = live.http.post("/exports/", json=body, headers=t.headers)
    assert r.status_code == 201, r.text
    export_id = r.json()["id"]
    relay.down()
    try:
        assert worker.run_once()  # the attempt fails on the store, and is put back for later
        got = live.http.get(f"/exports/{export_id}", headers=t.headers)
        assert got.status_code == 200, got.text
        assert got.json()["status"] == "inProgress"
        assert got.json()["fileUrl"] is None
    finally:
        relay.up()
    deadline = time.monotonic() + 60
    while live.http.get(f"/exports/{export_id}", headers=t.headers).json()["status"] != "finished":
        assert time.monotonic() < deadline, "the export was not resumed"
        if not worker.run_once():
            time.sleep(0.5)
    got = live.http.get(f"/exports/{export_id}", headers=t.headers).json()
    archive = live.http.get(got["fileUrl"])
    assert archive.status_code == 200
    _, data = csv_of(archive.content)
    rows = parse(data, ",")
    assert len(rows) == 1 + 4
    assert len({row[0] for row in rows[1:]}) == 4
