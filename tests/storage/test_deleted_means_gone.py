"""Deleted means gone: after media/delete, and at once after delete-user, the file URLs stop
serving (local) or the objects leave the public prefixes (S3); the purge deletes what was
hidden."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update

from brandkit.accounts.models import User
from brandkit.db import transaction, utcnow
from brandkit.storage.base import DELETED_PREFIX
from tests.exports import helpers as h
from tests.factories import Factory
from tests.storage.conftest import Live
from tests.storage.samples import image_bytes


def _register(live: Live, headers: dict[str, str]) -> dict[str, str]:
    body = {"type": "photo", "extension": "png"}
    grant = live.http.post("/files/get-presigned-url", json=body, headers=headers).json()["body"]
    assert live.put(grant, image_bytes("png")).status_code == 200
    r = live.http.post(
        "/media/create", json={"type": "photo", "uploadUrl": grant["uploadUrl"]}, headers=headers
    )
    assert r.status_code == 200, r.text
    media: dict[str, str] = r.json()["body"]["media"]
    return media


def _key(url: str) -> str:
    path = httpx.URL(url).path
    return path[path.index("media/") :]


def test_deleted_media_stop_serving_at_once(live: Live, factory: Factory) -> None:
    t = factory.tenant()
    media = _register(live, t.headers)
    assert httpx.get(media["url"]).status_code == 200
    r = live.http.post("/media/delete", json={"mIds": [media["mId"]]}, headers=t.headers)
    assert r.json()["body"] == {"deletedCount": 1}
    assert httpx.get(media["url"]).status_code in (403, 404)
    assert live.storage.size(_key(media["url"])) is None


def test_a_deleted_users_files_are_hidden_then_purged(live: Live, factory: Factory) -> None:
    t = factory.tenant("super")
    login = live.http.post("/super/login-user", json={"abstractUserId": "carol"}, headers=t.headers)
    carol = {"sivi-api-key": login.json()["body"]["accessToken"]}
    media = _register(live, carol)
    key = _key(media["url"])
    assert httpx.get(media["url"]).status_code == 200
    gone = live.http.post("/super/delete-user", json={"abstractUserId": "carol"}, headers=t.headers)
    assert gone.status_code == 200, gone.text
    # At once: the URL no longer serves, and nothing is left under the public prefix.
    assert httpx.get(media["url"]).status_code in (403, 404)
    assert live.storage.size(key) is None
    assert live.storage.size(DELETED_PREFIX + key) is not None
    if live.settings.storage_backend == "local":
        hidden = f"{live.url}/files/{DELETED_PREFIX}{key}"
        assert httpx.get(hidden).status_code == 404
    # Past the purge window the hidden file goes with the user.
    with transaction(live.app.state.sessions, write=True) as s:
        s.execute(
            update(User)
            .where(User.account_id == t.account_id, User.abstract_user_id == "carol")
            .values(deleted_at=utcnow() - timedelta(days=live.settings.user_purge_days + 1))
        )
    worker = h.worker(live.app)
    worker.schedule_periodic()
    while worker.run_once():
        pass
    assert live.storage.size(DELETED_PREFIX + key) is None
