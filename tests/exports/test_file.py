"""The export file (SPEC 5.4): columns, date formats in the account's zone, CSV dialect, ZIP,
formula neutralisation, filters and expiry, each compared with rows read back from the database."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from brandkit.config import Settings
from brandkit.contacts.models import Activity, Contact
from brandkit.db import transaction
from brandkit.exports.models import Export
from brandkit.exports.service import expire_files
from tests.exports import helpers as h
from tests.factories import Factory, Tenant

START = datetime(2024, 3, 5, 22, 15, tzinfo=UTC)
WINDOW = {"fromDate": "2024-03-01T00:00:00Z", "toDate": "2024-03-31T00:00:00Z"}


def expected_date(value: datetime | None, fmt: str, tz: ZoneInfo) -> str:
    """Written independently of the service's formatter (isoformat and strftime)."""
    if value is None:
        return ""
    local = value.astimezone(tz)
    if fmt == "ISO":
        text = local.isoformat(timespec="milliseconds")
        return text.replace("+00:00", "Z")
    if fmt == "L":
        return local.strftime("%m/%d/%Y")
    if fmt == "LL":
        return local.strftime("%B ") + str(local.day) + local.strftime(", %Y")
    return (
        local.strftime("%B ")
        + str(local.day)
        + local.strftime(", %Y ")
        + str(int(local.strftime("%I")))
        + local.strftime(":%M %p")
    )


def neutral(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def contact_rows(
    factory: Factory, account_id: str, fmt: str, tz: ZoneInfo, version: str
) -> tuple[list[str], list[list[str]]]:
    with transaction(factory.sessions) as s:
        rows = list(
            s.scalars(
                select(Contact)
                .where(Contact.account_id == account_id)
                .order_by(Contact.created_at, Contact.id)
            )
        )
    names = sorted({k for c in rows for k in orjson.loads(c.fields)})
    header = [
        "Contact ID",
        "Email",
        "First name",
        "Last name",
        "Newsletter status",
        "Created at",
        "Updated at",
        *[neutral(n) for n in names],
    ]
    if version == "v2":
        header += ["Last subscription date", "Last unsubscription date", "Origin"]
    out = []
    for c in rows:
        fields = orjson.loads(c.fields)
        row = [
            c.id,
            neutral(c.email),
            neutral(c.first_name),
            neutral(c.last_name),
            c.newsletter_status,
            expected_date(c.created_at, fmt, tz),
            expected_date(c.updated_at, fmt, tz),
        ]
        row += [
            neutral(v if isinstance(v, str) else "" if v is None else orjson.dumps(v).decode())
            for v in (fields.get(n) for n in names)
        ]
        if version == "v2":
            row += [
                expected_date(c.last_subscribed_at, fmt, tz),
                expected_date(c.last_unsubscribed_at, fmt, tz),
                neutral(c.origin),
            ]
        out.append(row)
    return header, out


def activity_rows(
    factory: Factory,
    account_id: str,
    fmt: str,
    tz: ZoneInfo,
    version: str,
    types: list[str] | None = None,
) -> tuple[list[str], list[list[str]]]:
    query = (
        select(Activity, Contact.email)
        .join(Contact, Contact.id == Activity.contact_id)
        .where(
            Activity.account_id == account_id,
            Activity.occurred_at >= datetime(2024, 3, 1, tzinfo=UTC),
            Activity.occurred_at <= datetime(2024, 3, 31, tzinfo=UTC),
        )
        .order_by(Activity.occurred_at, Activity.id)
    )
    if types:
        query = query.where(Activity.type.in_(types))
    with transaction(factory.sessions) as s:
        rows = [(r[0], r[1]) for r in s.execute(query)]
    header = ["Activity ID", "Contact ID", "Contact email", "Activity type", "Date", "Details"]
    if version == "v2":
        header += ["Purchase ID", "Amount", "Currency", "Products"]
    out = []
    for a, email in rows:
        payload = orjson.loads(a.payload)
        row = [a.id, a.contact_id, neutral(email), a.type, expected_date(a.occurred_at, fmt, tz)]
        row.append(orjson.dumps(payload).decode())
        if version == "v2":
            products = payload.get("products") or []
            row += [
                payload.get("purchaseId", ""),
                str(payload["amount"]) if "amount" in payload else "",
                payload.get("currency", ""),
                "|".join(p["id"] for p in products),
            ]
        out.append(row)
    return header, out


def export_file(
    client: TestClient, app: FastAPI, t: Tenant, body: dict[str, Any]
) -> tuple[dict[str, Any], str, bytes]:
    data = h.finished(client, app, t, body)
    archive = h.download(client, data["fileUrl"])
    with zipfile.ZipFile(BytesIO(archive)) as z:
        (info,) = z.infolist()
        assert info.compress_type == zipfile.ZIP_DEFLATED
    name, raw = h.csv_of(archive)
    return data, name, raw


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("fmt", ["ISO", "L", "LL", "LLL"])
def test_contacts_columns_and_dates(
    client: TestClient, app: FastAPI, factory: Factory, version: str, fmt: str
) -> None:
    tz = ZoneInfo("America/New_York")
    t = h.tenant(factory, tz.key)
    h.seed(factory.sessions, t.account_id, start=START, activities=0)
    delimiter = ";" if fmt in ("L", "LLL") else ","
    body = {"exportType": "contacts", "delimiter": delimiter, "dateFormat": fmt, "version": version}
    data, name, raw = export_file(client, app, t, body)
    assert name == "contacts.csv"
    header, rows = contact_rows(factory, t.account_id, fmt, tz, version)
    assert h.parse(raw, delimiter) == [header, *rows]
    assert data["total"] == data["progress"] == len(rows)


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("fmt", ["ISO", "L", "LL", "LLL"])
def test_activities_columns_and_dates(
    client: TestClient, app: FastAPI, factory: Factory, version: str, fmt: str
) -> None:
    # Asia/Kolkata: a half-hour offset; START + hours crosses local midnight and noon.
    tz = ZoneInfo("Asia/Kolkata")
    t = h.tenant(factory, tz.key)
    h.seed(factory.sessions, t.account_id, start=START, activities=16, step=timedelta(hours=7))
    delimiter = "," if fmt in ("L", "LLL") else ";"
    body = {
        "exportType": "activities",
        "delimiter": delimiter,
        "dateFormat": fmt,
        "version": version,
        "filters": WINDOW,
    }
    _, name, raw = export_file(client, app, t, body)
    assert name == "activities.csv"
    header, rows = activity_rows(factory, t.account_id, fmt, tz, version)
    assert len(rows) == 16
    assert h.parse(raw, delimiter) == [header, *rows]


def test_iso_dates_carry_the_zone_offset_across_dst(
    client: TestClient, app: FastAPI, factory: Factory
) -> None:
    tz = ZoneInfo("Europe/Madrid")
    t = h.tenant(factory, tz.key)
    # 2024-03-31 01:00 UTC is the switch to summer time in Madrid.
    h.seed(
        factory.sessions,
        t.account_id,
        start=datetime(2024, 3, 30, 23, tzinfo=UTC),
        activities=3,
        step=timedelta(hours=1),
    )
    body = {
        "exportType": "activities",
        "delimiter": ",",
        "dateFormat": "ISO",
        "filters": {"fromDate": "2024-03-30T00:00:00Z", "toDate": "2024-04-01T00:00:00Z"},
    }
    _, _, raw = export_file(client, app, t, body)
    dates = [r[4] for r in h.parse(raw, ",")[1:]]
    assert dates == [
        "2024-03-31T00:00:00.123+01:00",
        "2024-03-31T01:00:00.123+01:00",
        "2024-03-31T03:00:00.123+02:00",
    ]


def test_csv_dialect_quotes_everything_with_crlf(
    client: TestClient, app: FastAPI, factory: Factory
) -> None:
    t = h.tenant(factory)
    h.seed(factory.sessions, t.account_id, start=START)
    body = {"exportType": "contacts", "delimiter": ";", "dateFormat": "ISO", "version": "v2"}
    _, _, raw = export_file(client, app, t, body)
    raw.decode("utf-8")
    records = raw.split(b"\r\n")
    assert records[-1] == b""
    # Values hold bare "\n" (last names span two lines); records end only in "\r\n".
    assert len(records) - 1 == 1 + 5
    for record in records[:-1]:
        assert record.startswith(b'"')
        assert record.endswith(b'"')
        cells = h.parse(record, ";")[0]
        assert record.count(b'";"') >= len(cells) - 1
    assert b'"";""' in raw  # empty values are quoted too


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_duckdb_and_csv_module_read_the_file(
    client: TestClient, app: FastAPI, factory: Factory, tmp_path: Any, delimiter: str
) -> None:
    t = h.tenant(factory)
    h.seed(factory.sessions, t.account_id, start=START, contacts=7, activities=40)
    body = {
        "exportType": "activities",
        "delimiter": delimiter,
        "dateFormat": "LLL",
        "version": "v2",
        "filters": WINDOW,
    }
    data, _, raw = export_file(client, app, t, body)
    assert len(h.parse(raw, delimiter)) == 41
    path = tmp_path / "activities.csv"
    path.write_bytes(raw)
    con = duckdb.connect()
    rows = con.execute(
        'SELECT count(*), count(DISTINCT "Activity ID") '
        "FROM read_csv(?, delim = ?, header = true, quote = '\"')",
        [str(path), delimiter],
    ).fetchone()
    assert rows == (40, 40) == (data["total"], data["total"])


def test_neutralisation_can_be_turned_off(
    settings: Settings, engine: Any, factory: Factory
) -> None:
    from brandkit.app import create_app

    app = create_app(settings.model_copy(update={"csv_neutralise_formulas": False}), engine=engine)
    with TestClient(app) as client:
        t = h.tenant(factory)
        h.seed(factory.sessions, t.account_id, start=START)
        body = {"exportType": "contacts", "delimiter": ",", "dateFormat": "ISO"}
        _, _, raw = export_file(client, app, t, body)
    rows = h.parse(raw, ",")
    assert "=cmd" in rows[0]
    assert rows[2][2] == "-Ann"
    assert "=1+2" in rows[1]


def test_segment_and_type_filters(client: TestClient, app: FastAPI, factory: Factory) -> None:
    t = h.tenant(factory)
    seeded = h.seed(factory.sessions, t.account_id, start=START, contacts=4, activities=24)
    members = seeded.contacts[:2]
    seg = h.segment(factory.sessions, t.account_id, members)
    ids = {c.id for c in members}
    body = {
        "exportType": "activities",
        "delimiter": ",",
        "dateFormat": "ISO",
        "filters": {**WINDOW, "segmentId": seg, "activityTypes": ["purchase"]},
    }
    _, _, raw = export_file(client, app, t, body)
    got = h.parse(raw, ",")[1:]
    want = [
        a.id
        for a in sorted(seeded.activities, key=lambda a: (a.occurred_at, a.id))
        if a.type == "purchase" and a.contact_id in ids
    ]
    assert [r[0] for r in got] == want
    assert want
    contacts_body = {
        "exportType": "contacts",
        "delimiter": ",",
        "dateFormat": "ISO",
        "filters": {"segmentId": seg},
    }
    _, _, raw = export_file(client, app, t, contacts_body)
    assert {r[0] for r in h.parse(raw, ",")[1:]} == ids


def test_other_accounts_rows_never_appear(
    client: TestClient, app: FastAPI, factory: Factory
) -> None:
    a, b = h.tenant(factory), h.tenant(factory)
    h.seed(factory.sessions, a.account_id, start=START, contacts=2, activities=3)
    h.seed(factory.sessions, b.account_id, start=START, contacts=3, activities=5)
    body = {"exportType": "activities", "delimiter": ",", "dateFormat": "ISO", "filters": WINDOW}
    _, _, raw = export_file(client, app, a, body)
    assert len(h.parse(raw, ",")) == 4


def test_empty_export_has_the_header_only(
    client: TestClient, app: FastAPI, factory: Factory
) -> None:
    t = h.tenant(factory)
    body = {"exportType": "activities", "delimiter": ",", "dateFormat": "ISO", "filters": WINDOW}
    data, _, raw = export_file(client, app, t, body)
    assert h.parse(raw, ",") == [
        ["Activity ID", "Contact ID", "Contact email", "Activity type", "Date", "Details"]
    ]
    assert data["total"] == 0


def test_expired_file_is_deleted_and_the_resource_says_so(
    client: TestClient, app: FastAPI, factory: Factory
) -> None:
    t = h.tenant(factory)
    h.seed(factory.sessions, t.account_id, start=START)
    body = {"exportType": "contacts", "delimiter": ",", "dateFormat": "ISO"}
    old = h.finished(client, app, t, body)
    fresh = h.finished(client, app, t, body)
    storage = app.state.storage
    with transaction(factory.sessions, write=True) as s:
        s.execute(
            update(Export)
            .where(Export.id == old["id"])
            .values(finished_at=datetime.now(UTC) - timedelta(days=7, minutes=1))
        )
        key = s.scalar(select(Export.storage_key).where(Export.id == old["id"]))
    assert key is not None
    assert storage.exists(key)
    assert expire_files(factory.sessions, storage, app.state.settings) == 1
    assert not storage.exists(key)
    gone = client.get(f"/exports/{old['id']}", headers=t.headers).json()
    assert gone["status"] == "finished"
    assert gone["expired"] is True
    assert gone["fileUrl"] is None
    h.parse(b"", ",")
    r = client.get(old["fileUrl"].removeprefix("http://testserver"))
    assert r.status_code == 404
    still = client.get(f"/exports/{fresh['id']}", headers=t.headers).json()
    assert still["expired"] is False
    assert still["fileUrl"]


def test_iso_dates_in_utc_end_in_z(client: TestClient, app: FastAPI, factory: Factory) -> None:
    t = h.tenant(factory)
    h.seed(factory.sessions, t.account_id, start=START, activities=3)
    body = {"exportType": "activities", "delimiter": ",", "dateFormat": "ISO", "filters": WINDOW}
    _, _, raw = export_file(client, app, t, body)
    header, rows = activity_rows(factory, t.account_id, "ISO", ZoneInfo("UTC"), "v1")
    assert h.parse(raw, ",") == [header, *rows]
    assert rows[0][4] == "2024-03-05T22:15:00.123Z"
