"""The stateful chains, step by step over real HTTP (uvicorn on a loopback port), on both storage
backends (local, and S3 served by moto) and both databases:

- presign -> PUT -> media/create -> media/get lists it, and its url serves the bytes;
- ingest -> create export -> poll GET /exports/{id} until finished (the embedded worker of the
  live server runs the job) -> download fileUrl -> the ZIP's CSV holds exactly the rows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from brandkit.config import Settings
from tests.exports.helpers import EXPORT_SCOPES, csv_of, parse
from tests.factories import Factory
from tests.storage.conftest import Live, live_app
from tests.storage.s3guard import GuardedMotoServer
from tests.storage.samples import image_bytes


@pytest.fixture(scope="module")
def chain_moto() -> Iterator[str]:
    server = GuardedMotoServer()
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(params=["local", "s3"])
def chain_live(
    request: pytest.FixtureRequest, settings: Settings, engine: Engine
) -> Iterator[Live]:
    moto = request.getfixturevalue("chain_moto") if request.param == "s3" else None
    yield from live_app(
        settings, engine, request.param, moto, embedded_worker=True, worker_poll_seconds=0.1
    )


def test_presign_put_create_get_and_fetch(chain_live: Live, factory: Factory) -> None:
    live = chain_live
    t = factory.tenant()
    png = image_bytes("png", (12, 9))
    grant = live.presign(t, type="logo", extension="png")
    put = live.put(grant, png)
    assert put.status_code == 200, put.text
    made = live.call("/media/create", {"type": "logo", "uploadUrl": grant["uploadUrl"]}, t)
    assert made.status_code == 200, made.text
    media = made.json()["body"]["media"]
    assert (media["type"], media["subType"], media["system"]) == ("logo", "logo", "USER")

    listed = live.call("/media/get", {"type": "logo"}, t)
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["body"]["media"]
    assert item["mId"] == media["mId"]
    served = live.http.get(item["url"])
    assert served.status_code == 200, served.text
    assert served.content == png
    # The upload was consumed: registering it again finds nothing.
    again = live.call("/media/create", {"type": "logo", "uploadUrl": grant["uploadUrl"]}, t)
    assert again.status_code == 400


def _poll_finished(live: Live, headers: dict[str, str], export_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        r = live.http.get(f"/exports/{export_id}", headers=headers)
        assert r.status_code == 200, r.text
        got: dict[str, Any] = r.json()
        if got["status"] == "finished":
            return got
        assert got["status"] == "inProgress", got
        assert got["fileUrl"] is None
        assert time.monotonic() < deadline, "the export did not finish"
        time.sleep(0.1)


def test_ingest_export_poll_download(chain_live: Live, factory: Factory) -> None:
    live = chain_live
    t = factory.tenant("general", EXPORT_SCOPES)
    h = t.headers
    people = [{"email": f"p{i}@ex.com", "firstName": f"P{i}", "lastName": "Q"} for i in range(7)]
    r = live.http.post("/contacts/", json={"contacts": people}, headers=h)
    assert r.status_code == 200, r.text
    at = "2026-01-05T10:00:00Z"
    acts = [{"email": p["email"], "type": "login", "occurredAt": at} for p in people[:4]]
    assert live.http.post("/activities/", json={"activities": acts}, headers=h).status_code == 201

    r = live.http.post(
        "/exports/",
        json={"exportType": "contacts", "delimiter": ",", "dateFormat": "ISO", "version": "v2"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"/exports/{r.json()['id']}"
    got = _poll_finished(live, h, r.json()["id"])
    archive = live.http.get(got["fileUrl"])
    assert archive.status_code == 200, archive.text
    name, data = csv_of(archive.content)
    assert name == "contacts.csv"
    header, *rows = parse(data, ",")
    assert header[:4] == ["Contact ID", "Email", "First name", "Last name"]
    assert sorted((row[1], row[2]) for row in rows) == sorted(
        (p["email"], p["firstName"]) for p in people
    )
    assert got["progress"] == got["total"] == 7

    body: dict[str, Any] = {
        "exportType": "activities",
        "delimiter": ";",
        "dateFormat": "ISO",
        "filters": {"fromDate": "2026-01-01T00:00:00Z", "toDate": "2026-01-10T00:00:00Z"},
    }
    r = live.http.post("/exports/", json=body, headers=h)
    assert r.status_code == 201, r.text
    got = _poll_finished(live, h, r.json()["id"])
    _, data = csv_of(live.http.get(got["fileUrl"]).content)
    header, *rows = parse(data, ";")
    assert header[0] == "Activity ID"
    assert sorted(row[2] for row in rows) == sorted(p["email"] for p in people[:4])
    assert {row[3] for row in rows} == {"login"}
