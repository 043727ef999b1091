"""The object store seen by the rest of the service: keys in, bytes and URLs out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol
from urllib.parse import unquote, urlsplit

# Uploads land here, unchecked, and are served by nobody; media/create and font/create move what
# passes the content checks to its final key. Only the final keys are ever public.
UPLOAD_PREFIX = "uploads/"
UPLOAD_KEY = re.compile(r"uploads/[A-Za-z0-9_-]{22}\.[a-z]{3,4}")


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

    def public_url(self, key: str) -> str:
        """A URL that serves the object to anyone holding it (keys are unguessable)."""
        ...

    def presign_put(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> str:
        """A URL accepting one PUT of ``key`` with this Content-Type before the expiry."""
        ...

    def key_from_upload_url(self, url: str) -> str | None:
        """The upload key a URL made by ``presign_put`` points at; None when it is not ours."""
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
