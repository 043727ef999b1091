"""The stored files of users, whatever domain's table holds them, and hiding them when a user is
deleted (they stay, unserved, until the purge deletes them or a reactivation restores them)."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from brandkit.db import Base
from brandkit.storage.base import DELETED_PREFIX, Storage


def _file_tables() -> list[Table]:
    """Tables whose rows belong to a user and point at a stored file (media, fonts, variants...,
    including those other domains add later). Read at run time: by then the entry point has
    imported every table (``brandkit.models``, ``brandkit.tasks``)."""
    return [
        t
        for t in Base.metadata.tables.values()
        if "user_id" in t.c and "storage_key" in t.c and t.name != "users"
    ]


def user_file_keys(session: Session, user_ids: Sequence[str]) -> list[str]:
    keys: list[str] = []
    for table in _file_tables():
        keys.extend(
            k
            for k in session.scalars(
                select(table.c.storage_key).where(table.c.user_id.in_(user_ids))
            )
            if k
        )
    return keys


def hide(storage: Storage, keys: Sequence[str]) -> None:
    """Move the files out of every served prefix (local: no longer served; S3: no longer under
    the public prefixes); a file already gone is skipped."""
    for key in keys:
        if storage.exists(key):
            content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
            storage.move(key, DELETED_PREFIX + key, content_type)


def unhide(storage: Storage, keys: Sequence[str]) -> None:
    """Serve hidden files again (a reactivated user's); a file not hidden is left as it is."""
    for key in keys:
        hidden = DELETED_PREFIX + key
        if storage.exists(hidden):
            content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
            storage.move(hidden, key, content_type)


def delete_everywhere(storage: Storage, keys: Sequence[str]) -> None:
    """Delete the files, hidden or not (deleting a missing file is a no-op)."""
    for key in keys:
        storage.delete(key)
        storage.delete(DELETED_PREFIX + key)
