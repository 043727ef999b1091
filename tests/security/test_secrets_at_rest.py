"""API key secrets exist only in the caller's hands: the database holds a hash, never the secret."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, MetaData, select, text

from tests.factories import Factory


def _every_value(engine: Engine) -> str:
    """Every row of every table, as text: what a dump of the database would show."""
    meta = MetaData()
    meta.reflect(engine)
    parts: list[str] = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            parts.extend(repr(tuple(row)) for row in conn.execute(select(table)))
    return "\n".join(parts)


def _sqlite_files(engine: Engine) -> bytes:
    path = Path(engine.url.database or "")
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(FULL)"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_api_keys_rows_hold_only_a_hash_of_the_secret(
    client: TestClient, factory: Factory, engine: Engine
) -> None:
    tenant = factory.tenant()
    key_id, _, secret = tenant.token.partition(":")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM api_keys WHERE id = :id"), {"id": key_id}).all()
    assert len(rows) == 1
    row = rows[0]._mapping
    assert secret not in repr(dict(row))
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    # The key still works, so the hash is what authentication checks.
    r = client.post("/media/get", json={}, headers=tenant.headers)
    assert r.status_code == 200, r.text


def test_no_secret_or_token_anywhere_in_the_database(
    client: TestClient, factory: Factory, engine: Engine
) -> None:
    tenant = factory.tenant()
    secret = tenant.token.partition(":")[2]
    login = client.post(
        "/super/login-user", json={"abstractUserId": "someone"}, headers=tenant.headers
    )
    assert login.status_code == 200, login.text
    access = login.json()["body"]["accessToken"]
    refresh = login.json()["body"]["refreshToken"]
    assert client.post("/media/get", json={}, headers={"sivi-api-key": access}).status_code == 200

    dump = _every_value(engine)
    assert tenant.key_id in dump  # the dump really holds the keys table
    for needle in (secret, tenant.token, access, refresh):
        assert needle not in dump
    if engine.dialect.name == "sqlite":
        raw = _sqlite_files(engine)
        assert tenant.key_id.encode() in raw
        for needle in (secret, access, refresh):
            assert needle.encode() not in raw
