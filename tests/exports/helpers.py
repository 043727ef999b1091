"""Marketing test data and export plumbing shared by the export, contacts and job tests."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from brandkit.accounts.models import Account
from brandkit.contacts.models import Activity, Contact, Segment, SegmentMember
from brandkit.contacts.service import purchase_columns
from brandkit.db import transaction
from brandkit.jobs.runner import Worker
from brandkit.kit.ids import new_uuid
from tests.factories import Factory, Tenant

# Zones with a DST change of each kind (whole-hour, half-hour and 45-minute offsets, southern
# summers, Lord Howe's half-hour DST) for the date formatting tests.
ZONES = [
    "Europe/Madrid",
    "UTC",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Sao_Paulo",
]
EXPORT_SCOPES = ["export:read", "export:write", "contacts:write", "activities:write"]


def tenant(factory: Factory, timezone: str = "UTC") -> Tenant:
    t = factory.tenant("general", EXPORT_SCOPES)
    if timezone != "UTC":
        with transaction(factory.sessions, write=True) as s:
            s.execute(update(Account).where(Account.id == t.account_id).values(timezone=timezone))
    return t


@dataclass
class Seeded:
    contacts: list[Contact]
    activities: list[Activity]


def seed(
    sessions: sessionmaker[Session],
    account_id: str,
    *,
    contacts: int = 5,
    activities: int = 20,
    start: datetime,
    step: timedelta = timedelta(hours=1),
    fields: bool = True,
) -> Seeded:
    made_c: list[Contact] = []
    made_a: list[Activity] = []
    with transaction(sessions, write=True) as s:
        for i in range(contacts):
            custom: dict[str, Any] = {"tier": ["gold", "silver"][i % 2], "score": i}
            if i == 0:
                custom["=cmd"] = "=1+2"
            c = Contact(
                id=new_uuid(),
                account_id=account_id,
                email=f"User{i}@Example.com",
                email_key=f"user{i}@example.com",
                first_name="-Ann" if i == 1 else f"First{i}",
                last_name=f'La"st, {i}\nline',
                newsletter_status=["subscribed", "unsubscribed", "none"][i % 3],
                fields=orjson.dumps(custom if fields else {}).decode(),
                origin="import",
                created_at=start + timedelta(minutes=i),
                updated_at=start + timedelta(minutes=i, seconds=30),
                last_subscribed_at=start + timedelta(days=1) if i % 3 == 0 else None,
                last_unsubscribed_at=start + timedelta(days=2) if i % 3 == 1 else None,
            )
            made_c.append(c)
        s.add_all(made_c)
        s.flush()
        for j in range(activities):
            payload: dict[str, Any] = {"page": f"/p/{j}"}
            kind = "web-page-visited"
            if j % 4 == 0:
                kind = "purchase"
                payload = {
                    "purchaseId": f"P{j}",
                    "amount": 10.5 + j,
                    "currency": "EUR",
                    "products": [{"id": f"sku{j}"}, {"id": "sku-x"}],
                }
            a = Activity(
                id=new_uuid(),
                account_id=account_id,
                contact_id=made_c[j % contacts].id,
                type=kind,
                occurred_at=start + step * j + timedelta(microseconds=123456),
                payload=orjson.dumps(payload).decode(),
                created_at=start,
                **purchase_columns(payload),
            )
            made_a.append(a)
        s.add_all(made_a)
    return Seeded(made_c, made_a)


def segment(sessions: sessionmaker[Session], account_id: str, members: list[Contact]) -> str:
    seg = Segment(id=new_uuid(), account_id=account_id, name="vip")
    with transaction(sessions, write=True) as s:
        s.add(seg)
        s.flush()
        s.add_all(SegmentMember(segment_id=seg.id, contact_id=c.id) for c in members)
    return seg.id


def worker(app: FastAPI, **overrides: Any) -> Worker:
    settings = app.state.settings.model_copy(update=overrides) if overrides else app.state.settings
    return Worker(app.state.engine, settings, app.state.storage)


def run_jobs(app: FastAPI) -> int:
    w = worker(app)
    ran = 0
    while w.run_once():
        ran += 1
    return ran


def create(client: TestClient, t: Tenant, body: dict[str, Any], **headers: str) -> Any:
    return client.post("/exports/", json=body, headers={**t.headers, **headers})


def finished(client: TestClient, app: FastAPI, t: Tenant, body: dict[str, Any]) -> dict[str, Any]:
    r = create(client, t, body)
    assert r.status_code == 201, r.text
    run_jobs(app)
    got = client.get(f"/exports/{r.json()['id']}", headers=t.headers)
    assert got.status_code == 200, got.text
    data: dict[str, Any] = got.json()
    assert data["status"] == "finished", data
    return data


def download(client: TestClient, url: str) -> bytes:
    parts = urlsplit(url)
    r = client.get(f"{parts.path}?{parts.query}")
    assert r.status_code == 200, r.text
    return r.content


def csv_of(archive: bytes) -> tuple[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        (name,) = z.namelist()
        return name, z.read(name)


def parse(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter))
