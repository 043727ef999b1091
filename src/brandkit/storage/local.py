"""Files under the data directory, served by Brandkit itself."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from brandkit.kit.errors import NotFound

FILES_ROUTE = "/files"


class LocalStorage:
    def __init__(self, root: Path, public_base_url: str) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.public_base_url = public_base_url.rstrip("/")

    def path_for(self, key: str) -> Path:
        path = (self.root / key).resolve()
        # Keys come from us, but a served path must never climb out of the root.
        if not path.is_relative_to(self.root) or path == self.root:
            raise NotFound("File not found")
        return path

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)

    def read_bytes(self, key: str) -> bytes:
        try:
            return self.path_for(key).read_bytes()
        except FileNotFoundError:
            raise NotFound("File not found") from None

    def iter_bytes(self, key: str, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        try:
            fh = self.path_for(key).open("rb")
        except FileNotFoundError:
            raise NotFound("File not found") from None
        with fh:
            while chunk := fh.read(chunk_size):
                yield chunk

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def delete(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)

    def public_url(self, key: str) -> str:
        return f"{self.public_base_url}{FILES_ROUTE}/{key}"
