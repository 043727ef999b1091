"""The object store seen by the rest of the service: keys in, bytes and URLs out.

Everything a backend does is a method of ``Storage``; code outside this package never asks which
backend it holds. A backend that Brandkit itself serves (local files) answers ``local_path`` and
``upload_target``; one that serves its own objects (S3) answers ``download_url`` instead.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import unquote, urlsplit

# Incoming uploads land here, unchecked, and are served by nobody; media/create and font/create
# move what passes the content checks to its final key. Only the final keys are ever public.
UPLOAD_PREFIX = "uploads/"
UPLOAD_KEY = re.compile(r"uploads/[A-Za-z0-9_-]{22}\.[a-z]{3,4}")
# Files of soft-deleted users wait here, never served, until they are purged or restored; the
# key below the prefix is the file's own.
DELETED_PREFIX = "deleted/"
# Prefixes no URL of Brandkit's ever serves.
PRIVATE_PREFIXES = (UPLOAD_PREFIX, DELETED_PREFIX)
# Where Brandkit serves the files of backends it serves itself, and receives their uploads.
FILES_ROUTE = "/files"


@dataclass(frozen=True)
class UploadGrant:
    """What a signed upload URL allows: one PUT of this Content-Type, up to this size, or of
    exactly ``exact_bytes`` when the size was signed into the URL."""

    content_type: str
    max_bytes: int
    exact_bytes: int | None = None


class UploadTarget(Protocol):
    """A backend whose upload URLs point at Brandkit itself, which then receives the PUT."""

    def check_put(
        self, key: str, query: Mapping[str, str], content_type: str | None
    ) -> UploadGrant:
        """The grant a signed upload URL carries; Forbidden when it does not cover this PUT."""
        ...

    async def receive(self, key: str, body: AsyncIterator[bytes], max_bytes: int) -> int:
        """Store the PUT body (1 to ``max_bytes`` bytes) durably under ``key``, once; returns
        its size. An empty body stores nothing and leaves the URL unused."""
        ...


class Storage(Protocol):
    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...

    def read_bytes(self, key: str) -> bytes: ...

    def iter_bytes(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]: ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int | None:
        """The object's size in bytes, or None when it does not exist."""
        ...

    def move(self, source: str, target: str, content_type: str) -> None: ...

    def delete(self, key: str) -> None: ...

    def open_writer(self, key: str, content_type: str) -> AbstractContextManager[IO[bytes]]:
        """A file to stream an object into: the object appears under ``key`` only when the
        block exits cleanly, and nothing of it remains when it raises."""
        ...

    def sweep_partials(self, prefix: str, idle_seconds: float) -> int:
        """Delete what writes to keys under ``prefix`` (one top-level folder, ``"exports/"``)
        left behind when a crash cut them off, idle this long; returns how many."""
        ...

    def public_url(self, key: str) -> str:
        """A URL that serves the object to anyone holding it (keys are unguessable)."""
        ...

    def public_url_prefix(self) -> str | None:
        """What ``public_url`` puts before a key made only of characters a URL path keeps as
        they are (so SQL can write such URLs), or None when each URL is signed."""
        ...

    def download_url(self, key: str, expires_in: int, file_name: str) -> str | None:
        """A URL where the store itself serves the object as a download named ``file_name``, or
        None when the store cannot, and Brandkit serves it from ``local_path``."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The file holding the object when it is on this machine's disk (None elsewhere)."""
        ...

    def presign_put(
        self,
        key: str,
        content_type: str,
        max_bytes: int,
        expires_in: int,
        content_length: int | None = None,
    ) -> str:
        """A URL accepting one PUT of ``key`` with this Content-Type before the expiry, and of
        exactly ``content_length`` bytes when given (signed into the URL)."""
        ...

    def key_from_upload_url(self, url: str) -> str | None:
        """The upload key a URL made by ``presign_put`` points at; None when it is not ours."""
        ...

    def check(self) -> None:
        """Raise when the store cannot be used now (readiness): ServiceUnavailable, or
        NotFound naming a missing bucket."""
        ...

    def create(self) -> None:
        """Make the store ready to use (the bucket, the root folder); idempotent."""
        ...

    def upload_target(self) -> UploadTarget | None:
        """The receiver of PUTs to upload URLs, when Brandkit is it (None: the store is)."""
        ...


def upload_key_in(url: str, base: str) -> str | None:
    """The upload key of ``url`` when it lies under ``base`` (scheme, host, port and path)."""
    parts = urlsplit(url)
    origin = urlsplit(base)
    if (parts.scheme, parts.netloc.lower()) != (origin.scheme, origin.netloc.lower()):
        return None
    prefix = origin.path.rstrip("/") + "/"
    if not parts.path.startswith(prefix):
        return None
    key = unquote(parts.path[len(prefix) :])
    return key if UPLOAD_KEY.fullmatch(key) else None
