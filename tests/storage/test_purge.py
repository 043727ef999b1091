"""Uploads never registered are deleted, from storage and the table, after the setting's age."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from brandkit.config import Settings
from brandkit.db import transaction, utcnow
from brandkit.storage.local import LocalStorage
from brandkit.uploads.models import Upload
from brandkit.uploads.service import purge_orphan_uploads
from tests.factories import Factory
from tests.storage.samples import image_bytes


def test_orphan_uploads_older_than_the_setting_are_purged(
    app: FastAPI, client: TestClient, factory: Factory, settings: Settings
) -> None:
    t = factory.tenant()
    storage = app.state.storage
    keys = []
    for _ in range(3):
        grant = client.post(
            "/files/get-presigned-url",
            json={"type": "photo", "extension": "png"},
            headers=t.headers,
        ).json()["body"]
        client.put(grant["uploadUrl"], content=image_bytes("png"), headers=grant["headers"])
        keys.append(storage.key_from_upload_url(grant["uploadUrl"]))
    # One registered, so no longer an orphan.
    registered = client.post(
        "/media/create", json={"type": "photo", "uploadUrl": grant["uploadUrl"]}, headers=t.headers
    )
    assert registered.status_code == 200
    with transaction(factory.sessions, write=True) as s:
        s.get_one(Upload, keys[0]).created_at = utcnow() - timedelta(hours=25)

    soon = utcnow() + timedelta(hours=1)
    with transaction(factory.sessions, write=True) as s:
        assert purge_orphan_uploads(s, storage, settings, soon) == 1
    assert storage.size(keys[0]) is None
    assert storage.size(keys[1]) is not None
    later = utcnow() + timedelta(hours=settings.orphan_upload_hours + 1)
    with transaction(factory.sessions, write=True) as s:
        assert purge_orphan_uploads(s, storage, settings, later) == 1
        assert s.scalar(select(func.count()).select_from(Upload)) == 0
    assert storage.size(keys[1]) is None
    assert client.get(registered.json()["body"]["media"]["url"]).status_code == 200


def test_partial_files_of_cut_off_puts_are_swept(
    app: FastAPI, factory: Factory, settings: Settings
) -> None:
    storage = app.state.storage
    if not isinstance(storage, LocalStorage):
        pytest.fail("the local backend is the default and always tested")
    folder = storage.root / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    dead, live = folder / ".put-dead", folder / ".put-live"
    dead.write_bytes(b"half a body")
    live.write_bytes(b"still arriving")
    idle = time.time() - settings.orphan_upload_hours * 3600 - 60
    os.utime(dead, (idle, idle))
    with transaction(factory.sessions, write=True) as s:
        assert purge_orphan_uploads(s, storage, settings, utcnow()) == 1
    assert not dead.exists()
    assert live.exists()
