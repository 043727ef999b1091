"""Counting variant downloads: each variant image Brandkit serves is counted once per variant
and day, for account analysis. (Files an S3 store serves itself are not seen here.)"""

from __future__ import annotations

import logging
from typing import Any

from brandkit.db import make_sessionmaker, transaction, utcnow
from brandkit.designs.repository import DesignsRepository
from brandkit.kit.events import on_file_served

log = logging.getLogger("brandkit.downloads")

_RASTERS = (".jpg", ".png")
_SEEN_MAX = 50_000


def _variant_of(key: str) -> str | None:
    if not key.startswith("designs/") or not key.endswith(_RASTERS):
        return None
    name = key.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return name or None


@on_file_served
def count_download(app_state: Any, key: str) -> None:
    name = _variant_of(key)
    if name is None:
        return
    day = utcnow().date().isoformat()
    # (variant id, day) this app counted already, kept on the app (one per database): a page of
    # thumbnails served again and again writes once a day per variant, not once a view.
    seen: set[tuple[str, str]] | None = getattr(app_state, "downloads_seen", None)
    if seen is None or len(seen) >= _SEEN_MAX:
        seen = set()
        app_state.downloads_seen = seen
    if (name, day) in seen:
        return
    # Kept on the app: one session factory per app and engine.
    factory = getattr(app_state, "download_sessions", None)
    if factory is None:
        factory = make_sessionmaker(app_state.engine)
        app_state.download_sessions = factory
    try:
        with transaction(factory, write=True) as session:
            DesignsRepository(session).count_download(key, name, day)
        seen.add((name, day))
    except Exception:
        # Counting must never fail the download it counts.
        log.exception("could not count the download of %s", key)
