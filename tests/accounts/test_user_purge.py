"""The purge of deleted users: their rows and files go after the retention period."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import select, update

from brandkit.accounts.models import User
from brandkit.db import transaction, utcnow
from brandkit.designs.models import Design
from brandkit.media.models import Media
from tests.exports import helpers as h
from tests.factories import Factory


def test_user_purge_deletes_old_deleted_users_and_their_files(
    app: FastAPI, factory: Factory
) -> None:
    t = factory.tenant()
    old, _ = factory.user(t.account_id, "old")
    recent, _ = factory.user(t.account_id, "recent")
    storage = app.state.storage
    media = {u.id: factory.media(u, 2) for u in (old, recent, t.user)}
    for rows in media.values():
        for m in rows:
            storage.put_bytes(m.storage_key, b"x", "image/jpeg")
    factory.design(old)
    with transaction(factory.sessions, write=True) as s:
        s.execute(
            update(User).where(User.id == old.id).values(deleted_at=utcnow() - timedelta(days=16))
        )
        s.execute(
            update(User)
            .where(User.id == recent.id)
            .values(deleted_at=utcnow() - timedelta(days=14))
        )
    w = h.worker(app)
    w.schedule_periodic()
    while w.run_once():
        pass
    with transaction(factory.sessions) as s:
        users = set(s.scalars(select(User.id).where(User.account_id == t.account_id)))
        owners = set(s.scalars(select(Media.user_id)))
        designs = set(s.scalars(select(Design.user_id)))
    assert old.id not in users
    assert {recent.id, t.user.id} <= users
    assert old.id not in owners
    assert old.id not in designs
    assert not any(storage.exists(m.storage_key) for m in media[old.id])
    assert all(storage.exists(m.storage_key) for m in media[recent.id] + media[t.user.id])
