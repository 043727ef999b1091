"""The object store seen by the rest of the service: keys in, bytes and URLs out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class Storage(Protocol):
    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...

    def read_bytes(self, key: str) -> bytes: ...

    def iter_bytes(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def public_url(self, key: str) -> str:
        """A URL that serves the object to anyone holding it (keys are unguessable)."""
        ...
