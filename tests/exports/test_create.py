"""POST/GET /exports (SPEC 5.2-5.3): every request rule, idempotency, limits, tenancy."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from brandkit.app import create_app
from brandkit.config import Settings
from brandkit.db import transaction
from brandkit.exports import service
from brandkit.exports.schemas import ExportList, ExportOut
from brandkit.jobs.models import Job
from brandkit.kit.signing import b64encode, sign
from tests.exports import helpers as h
from tests.factories import Factory

WINDOW = {"fromDate": "2024-03-01T00:00:00Z", "toDate": "2024-03-31T00:00:00Z"}
ACTIVITIES: dict[str, Any] = {
    "exportType": "activities",
    "delimiter": ",",
    "dateFormat": "ISO",
    "filters": WINDOW,
}
CONTACTS = {"exportType": "contacts", "delimiter": ";", "dateFormat": "L", "version": "v2"}


def problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


def errors_of(r: Any) -> dict[str, str]:
    body = problem(r, 422)
    return {e["path"]: e["name"] for e in body["validationErrors"]}


def test_created_with_location_and_in_progress(client: TestClient, factory: Factory) -> None:
    t = h.tenant(factory)
    r = h.create(client, t, ACTIVITIES)
    assert r.status_code == 201, r.text
    body = ExportOut.model_validate(r.json(), strict=True)
    assert r.headers["location"] == f"/exports/{body.id}"
    assert body.status == "inProgress"
    assert body.fileUrl is None
    assert body.version == "v1"
    assert body.fileName == f"activities-20240301-20240331-{body.id}"
    assert body.filters.fromDate == "2024-03-01T00:00:00.000Z"
    assert client.get(r.headers["location"], headers=t.headers).json()["id"] == body.id


def test_415_without_json_content_type(client: TestClient, factory: Factory) -> None:
    t = h.tenant(factory)
    r = client.post(
        "/exports/",
        content=b'{"exportType":"contacts"}',
        headers={**t.headers, "content-type": "text/plain"},
    )
    problem(r, 415)
    problem(client.post("/exports/", content=b"{}", headers=t.headers), 415)


def test_400_on_invalid_json(client: TestClient, factory: Factory) -> None:
    t = h.tenant(factory)
    r = client.post(
        "/exports/",
        content=b'{"exportType": ',
        headers={**t.headers, "content-type": "application/json"},
    )
    problem(r, 400)


def test_401_and_403_by_scope(client: TestClient, factory: Factory) -> None:
    problem(client.post("/exports/", json=CONTACTS), 401)
    t = factory.tenant("enterprise", ["export:read"])
    problem(client.post("/exports/", json=CONTACTS, headers=t.headers), 403)
    writer = factory.key(t.account_id, "general", ["export:write"])
    created = client.post("/exports/", json=CONTACTS, headers=writer)
    assert created.status_code == 201
    problem(client.get(f"/exports/{created.json()['id']}", headers=writer), 403)
    problem(client.get("/exports/", headers=writer), 403)
    assert client.get(f"/exports/{created.json()['id']}", headers=t.headers).status_code == 200


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        ({"delimiter": ",", "dateFormat": "ISO"}, {"/exportType"}),
        ({**CONTACTS, "exportType": "orders"}, {"/exportType"}),
        ({**CONTACTS, "delimiter": "|"}, {"/delimiter"}),
        ({**CONTACTS, "dateFormat": "LLLL"}, {"/dateFormat"}),
        ({**CONTACTS, "version": "v3"}, {"/version"}),
        ({**CONTACTS, "dateFormat": None}, {"/dateFormat"}),
        ({**ACTIVITIES, "filters": {}}, {"/filters/fromDate", "/filters/toDate"}),
        ({**ACTIVITIES, "filters": {"fromDate": "2024-03-01T00:00:00Z"}}, {"/filters/toDate"}),
        (
            {**ACTIVITIES, "filters": {"fromDate": "yesterday", "toDate": "2024-03-02"}},
            {"/filters/fromDate"},
        ),
        (
            {**ACTIVITIES, "filters": {"fromDate": "2024-03-02", "toDate": "2024-03-01"}},
            {"/filters/toDate"},
        ),
        (
            {**ACTIVITIES, "filters": {"fromDate": "2024-03-01", "toDate": "2024-04-01T00:00:01"}},
            {"/filters/toDate"},
        ),
        (
            {**ACTIVITIES, "filters": {**WINDOW, "activityTypes": ["Bad Type"]}},
            {"/filters/activityTypes/0"},
        ),
        (
            {**ACTIVITIES, "filters": {**WINDOW, "activityTypes": "purchase"}},
            {"/filters/activityTypes"},
        ),
        ({**CONTACTS, "filters": {"fromDate": "2024-03-01T00:00:00Z"}}, {"/filters/fromDate"}),
        ({**CONTACTS, "filters": {"toDate": "2024-03-01T00:00:00Z"}}, {"/filters/toDate"}),
        ({**CONTACTS, "filters": {"activityTypes": ["purchase"]}}, {"/filters/activityTypes"}),
        ({**CONTACTS, "filters": {"segmentId": "no-such-segment"}}, {"/filters/segmentId"}),
        ({**CONTACTS, "filters": {"segmentId": 7}}, {"/filters/segmentId"}),
    ],
)
def test_422_names_each_violation(
    client: TestClient, factory: Factory, body: dict[str, Any], paths: set[str]
) -> None:
    t = h.tenant(factory)
    found = errors_of(h.create(client, t, body))
    assert set(found) == paths
    for path, name in found.items():
        assert path.rsplit("/", 1)[-1] == name or path.endswith("/0")


def test_exactly_31_days_is_allowed(client: TestClient, factory: Factory) -> None:
    t = h.tenant(factory)
    body = {**ACTIVITIES, "filters": {"fromDate": "2024-03-01", "toDate": "2024-04-01"}}
    assert h.create(client, t, body).status_code == 201


def test_segment_of_another_account_is_422(client: TestClient, factory: Factory) -> None:
    a, b = h.tenant(factory), h.tenant(factory)
    seeded = h.seed(factory.sessions, b.account_id, start=datetime(2024, 3, 1, tzinfo=UTC))
    foreign = h.segment(factory.sessions, b.account_id, seeded.contacts[:1])
    body = {**CONTACTS, "filters": {"segmentId": foreign}}
    assert set(errors_of(h.create(client, a, body))) == {"/filters/segmentId"}
    assert h.create(client, b, body).status_code == 201


def _app(settings: Settings, engine: Engine, **changes: Any) -> FastAPI:
    return create_app(settings.model_copy(update=changes), engine=engine)


def test_429_when_too_many_exports_run(
    settings: Settings, engine: Engine, factory: Factory
) -> None:
    with TestClient(_app(settings, engine, export_max_running=2)) as client:
        t = h.tenant(factory)
        for _ in range(2):
            assert h.create(client, t, CONTACTS).status_code == 201
        r = h.create(client, t, CONTACTS)
        problem(r, 429)
        assert int(r.headers["retry-after"]) > 0
        # Another account is not held back by this one's exports.
        assert h.create(client, h.tenant(factory), CONTACTS).status_code == 201


def test_429_on_the_request_rate_limit(
    settings: Settings, engine: Engine, factory: Factory
) -> None:
    with TestClient(_app(settings, engine, rate_limit_export=2)) as client:
        t = h.tenant(factory)
        assert client.get("/exports/", headers=t.headers).status_code == 200
        assert client.get("/exports/", headers=t.headers).status_code == 200
        r = client.get("/exports/", headers=t.headers)
        problem(r, 429)
        assert int(r.headers["retry-after"]) >= 1


def test_idempotency_key_returns_the_same_export(
    client: TestClient, factory: Factory, engine: Engine
) -> None:
    t = h.tenant(factory)
    first = h.create(client, t, CONTACTS, **{"Idempotency-Key": "k-1"})
    again = h.create(client, t, CONTACTS, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Job).where(Job.kind == "export")) == 1
    # The same key with another body is refused (422), not silently answered with the old one.
    other = h.create(client, t, {**CONTACTS, "delimiter": ","}, **{"Idempotency-Key": "k-1"})
    assert set(errors_of(other)) == {"/Idempotency-Key"}
    # Keys are per account.
    u = h.tenant(factory)
    assert (
        h.create(client, u, CONTACTS, **{"Idempotency-Key": "k-1"}).json()["id"]
        != first.json()["id"]
    )


def test_another_accounts_export_is_404(client: TestClient, factory: Factory) -> None:
    a, b = h.tenant(factory), h.tenant(factory)
    export_id = h.create(client, a, CONTACTS).json()["id"]
    problem(client.get(f"/exports/{export_id}", headers=b.headers), 404)
    problem(client.get("/exports/00000000-0000-0000-0000-000000000000", headers=a.headers), 404)
    assert client.get("/exports/", headers=b.headers).json()["results"] == []


def test_list_newest_first_with_cursor(client: TestClient, factory: Factory) -> None:
    t = h.tenant(factory)
    made = [h.create(client, t, CONTACTS).json()["id"] for _ in range(3)]
    h.run_jobs(client.app)  # type: ignore[arg-type]
    made += [h.create(client, t, CONTACTS).json()["id"] for _ in range(2)]
    seen: list[str] = []
    url: str | None = "/exports/?limit=2"
    while url:
        r = client.get(url, headers=t.headers)
        assert r.status_code == 200, r.text
        page = ExportList.model_validate(r.json(), strict=True)
        seen += [e.id for e in page.results]
        url = page.links.next
        if url:
            parts = urlsplit(url)
            url = f"{parts.path}?{parts.query}"
    assert seen == list(reversed(made))
    problem(client.get("/exports/?cursor=forged", headers=t.headers), 422)
    problem(client.get("/exports/?limit=0", headers=t.headers), 422)


def test_file_url_is_signed_for_100_minutes_and_made_per_get(
    client: TestClient, app: FastAPI, factory: Factory
) -> None:
    t = h.tenant(factory)
    h.seed(factory.sessions, t.account_id, start=datetime(2024, 3, 1, tzinfo=UTC))
    data = h.finished(client, app, t, CONTACTS)
    query = parse_qs(urlsplit(data["fileUrl"]).query)
    expires = int(query["expires"][0])
    assert abs(expires - (time.time() + 100 * 60)) < 5
    assert data["expired"] is False
    assert data["fileExpiresAt"] is not None
    assert data["progress"] == data["total"] == 5
    assert h.download(client, data["fileUrl"])[:2] == b"PK"


def test_file_url_refuses_altered_signature_and_expiry(
    client: TestClient, app: FastAPI, factory: Factory
) -> None:
    t = h.tenant(factory)
    data = h.finished(client, app, t, CONTACTS)
    parts = urlsplit(data["fileUrl"])
    q = parse_qs(parts.query)
    sig, expires = q["signature"][0], int(q["expires"][0])
    altered = ("A" if sig[0] != "A" else "B") + sig[1:]
    base = parts.path
    problem(client.get(f"{base}?expires={expires}&signature={altered}"), 403)
    problem(client.get(f"{base}?expires={expires + 60}&signature={sig}"), 403)
    problem(client.get(f"{base}?expires={expires}&signature=%%%"), 403)
    # Another export's id with this signature does not work either.
    other = h.finished(client, app, t, CONTACTS)
    problem(client.get(f"/exports/{other['id']}/file?expires={expires}&signature={sig}"), 403)
    # A correctly signed but expired URL is refused.
    past = int(time.time()) - 1
    settings = app.state.settings
    with transaction(factory.sessions) as s:
        export = service.get(s, t.account_id, data["id"])
        msg = f"{export.id}\n{export.storage_key}\n{past}".encode()
    old = b64encode(sign(settings.signing_key, "export-download", msg))
    problem(client.get(f"{base}?expires={past}&signature={old}"), 403)
