"""The database-built CSV writers, PostgreSQL's lines in SQL and SQLite's lines by printf, write
files byte-identical to the Python row path's (SPEC 5.4 written plainly) for every export kind,
version, delimiter, date format, zone and filter, from the same snapshot."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
from sqlalchemy import Engine

from brandkit.config import Settings
from brandkit.contacts.models import Activity, Contact
from brandkit.db import make_engine, make_sessionmaker, transaction
from brandkit.dialects import dialect_of
from brandkit.exports import copy_path, row_path, sqlite_lines
from brandkit.exports.kinds import KINDS
from brandkit.exports.snapshot import ExportSpec
from brandkit.exports.types import DateFormat, Delimiter, ExportType, Version
from brandkit.kit.ids import new_uuid
from brandkit.migrate import upgrade
from tests.exports import helpers as h
from tests.factories import Factory

START = datetime(2024, 3, 30, 23, 15, tzinfo=UTC)
FAR = [
    datetime(1890, 6, 1, 12, 0, 59, 999_999, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2199, 7, 1, 8, 30, tzinfo=UTC),
]
TRICKY = [
    "=SUM(A1)",
    "+1",
    "-x",
    "@me",
    "\t=1+2",
    "\r@x",
    'quo"te',
    "semi;colon",
    "new\nline",
    "Ωμέγα",
    "",
    "ok",
]


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url, pool_size=2)
    yield engine
    engine.dispose()


def _seed(engine: Engine, settings: Settings, far: bool = False) -> tuple[str, str]:
    """Rows with every awkward value a cell can hold; returns (account id, a segment id).
    ``far``: contacts also created in a zone's local-mean-time era and after the years whose
    offsets SQLite's statement carries (sqlite_dates), which its Python function formats."""
    factory = Factory(make_sessionmaker(engine), settings)
    tenant = h.tenant(factory)
    seeded = h.seed(factory.sessions, tenant.account_id, contacts=6, activities=30, start=START)
    with transaction(factory.sessions, write=True) as s:
        for i, value in enumerate(TRICKY):
            fields: dict[str, Any] = {
                value or "blank": value,
                "n": i * 1.5,
                "flag": i % 2 == 0,
                "list": [i, "x"],
                "nested": {"k": value},
                "none": None,
            }
            contact = Contact(
                id=new_uuid(),
                account_id=tenant.account_id,
                email=f"{value}{i}@example.com",
                email_key=f"{i}@example.com",
                first_name=value,
                last_name=TRICKY[-1 - i],
                newsletter_status="none",
                fields=orjson.dumps(fields).decode(),
                origin=value,
                created_at=FAR[i % len(FAR)]
                if far and i < len(FAR)
                else START + timedelta(hours=i, microseconds=999_999),
                updated_at=START + timedelta(days=i),
                last_subscribed_at=None if i % 2 else START + timedelta(hours=13 * i),
            )
            s.add(contact)
            s.flush()
            s.add(
                Activity(
                    id=new_uuid(),
                    account_id=tenant.account_id,
                    contact_id=contact.id,
                    type="purchase" if i % 2 else f"custom-{i}",
                    occurred_at=START + timedelta(hours=11 * i, milliseconds=7),
                    payload=orjson.dumps({"v": value, "i": i}).decode(),
                    purchase_id=value or None,
                    amount=str(i * 3.25) if i % 3 else None,
                    currency=value[:16] or None,
                    product_ids="|".join([value, "sku"]) if i % 2 else None,
                    created_at=START,
                )
            )
    return tenant.account_id, h.segment(factory.sessions, tenant.account_id, seeded.contacts[:3])


def _filters(kind: ExportType, segment: str | None, types: bool) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if kind == "activities":
        filters["fromDate"] = START.isoformat()
        filters["toDate"] = (START + timedelta(days=6)).isoformat()
        if types:
            filters["activityTypes"] = ["purchase", "web-page-visited"]
    if segment:
        filters["segmentId"] = segment
    return filters


def _write(engine: Engine, spec: ExportSpec, path: str) -> bytes:
    out = io.BytesIO()
    dialect = dialect_of(engine)
    with dialect.snapshot(engine) as conn:
        if path == "copy":
            copy_path.write(conn, spec, out, lambda done, total: None)
        elif path == "printf":
            sqlite_lines.write(conn, spec, out, lambda done, total: None)
        else:
            row_path.write(conn, dialect, spec, out, lambda done, total: None)
    return out.getvalue()


def _specs(account_id: str, segment: str, zones: list[str]) -> Iterator[ExportSpec]:
    kinds: list[ExportType] = ["contacts", "activities"]
    versions: list[Version] = ["v1", "v2"]
    delimiters: list[Delimiter] = [",", ";"]
    formats: list[DateFormat] = ["ISO", "L", "LL", "LLL"]
    for kind, version, delimiter, date_format, zone, neutralise, filtered in itertools.product(
        kinds, versions, delimiters, formats, zones, [True, False], [False, True]
    ):
        yield ExportSpec(
            account_id=account_id,
            kind=KINDS[kind],
            version=version,
            delimiter=delimiter,
            date_format=date_format,
            filters=_filters(kind, segment if filtered else None, filtered),
            timezone=ZoneInfo(zone),
            neutralise=neutralise,
            batch_rows=4,
        )


def test_copy_and_row_paths_write_the_same_bytes(
    pg_engine: Engine, postgres_url: str, tmp_path: Path
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url=postgres_url)
    account_id, segment = _seed(pg_engine, settings)
    compared = 0
    for spec in _specs(account_id, segment, ["UTC", "Asia/Kolkata"]):
        copied, rows = _write(pg_engine, spec, "copy"), _write(pg_engine, spec, "rows")
        assert copied.count(b"\r\n") > 1, spec
        assert copied == rows, (spec, copied.decode(), rows.decode())
        compared += 1
    assert compared == 2 * 2 * 2 * 4 * 2 * 2 * 2


def test_sqlite_printf_and_row_paths_write_the_same_bytes(tmp_path: Path) -> None:
    """On SQLite, across a DST change (the window spans Madrid's of 2024-03-31), in half- and
    quarter-hour zones, and for times SQLite's statement leaves to its Python function."""
    url = f"sqlite:///{tmp_path}/paths.db"
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url=url)
    account_id, segment = _seed(engine, settings, far=True)
    compared = 0
    zones = ["UTC", "Asia/Kolkata", "Europe/Madrid", "America/St_Johns", "Asia/Kathmandu"]
    for spec in _specs(account_id, segment, zones):
        printed, rows = _write(engine, spec, "printf"), _write(engine, spec, "rows")
        assert printed.count(b"\r\n") > 1, spec
        assert printed == rows, (spec, printed.decode(), rows.decode())
        compared += 1
    assert compared == 2 * 2 * 2 * 4 * len(zones) * 2 * 2
    engine.dispose()
