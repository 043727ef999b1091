"""Streaming an export file into storage, published only when complete.

Local storage: a temp file on the same file system, renamed to the target at the end. S3: a
multipart upload, which S3 makes visible only when completed (and discards when aborted). Memory
stays at one part.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from brandkit.storage.base import Storage
from brandkit.storage.local import LocalStorage

if TYPE_CHECKING:
    from types_boto3_s3.client import S3Client

ZIP_TYPE = "application/zip"
PARTIAL_DIR = ".partial"
# S3 parts must be at least 5 MiB (except the last); 8 MiB keeps 10,000 parts above 78 GB.
PART_BYTES = 8 << 20


@contextmanager
def open_sink(storage: Storage, key: str) -> Iterator[IO[bytes]]:
    if isinstance(storage, LocalStorage):
        path = storage.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = partial_dir(storage)
        partial.mkdir(parents=True, exist_ok=True)
        # Partial files live apart, so that a worker killed mid-export leaves nothing beside
        # the published files, and the sweep below can find what it left.
        fd, tmp = tempfile.mkstemp(dir=partial, prefix="export-")
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return
    from brandkit.storage.s3 import S3Storage

    if not isinstance(storage, S3Storage):
        raise TypeError(f"exports cannot stream into {type(storage).__name__}")
    writer = MultipartWriter(storage.client, storage.bucket, key)
    try:
        yield writer  # type: ignore[misc]
        writer.complete()
    except BaseException:
        writer.abort()
        raise


def partial_dir(storage: LocalStorage) -> Path:
    return storage.root / PARTIAL_DIR


def sweep_partials(storage: Storage, older_than_seconds: float) -> int:
    """Delete partial files of attempts that died (a live one touches its file constantly)."""
    if not isinstance(storage, LocalStorage):
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in partial_dir(storage).glob("export-*"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed


class MultipartWriter(io.RawIOBase):
    """A write-only, unseekable file whose bytes become one S3 object on ``complete``."""

    def __init__(self, client: S3Client, bucket: str, key: str) -> None:
        super().__init__()
        self.client = client
        self.bucket = bucket
        self.key = key
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._upload_id = client.create_multipart_upload(
            Bucket=bucket, Key=key, ContentType=ZIP_TYPE
        )["UploadId"]

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self._buffer += view
        while len(self._buffer) >= PART_BYTES:
            self._send(bytes(self._buffer[:PART_BYTES]))
            del self._buffer[:PART_BYTES]
        return view.nbytes

    def _send(self, part: bytes) -> None:
        number = len(self._parts) + 1
        reply = self.client.upload_part(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=part,
        )
        self._parts.append({"PartNumber": number, "ETag": reply["ETag"]})

    def complete(self) -> None:
        if self._buffer or not self._parts:
            self._send(bytes(self._buffer))
            self._buffer.clear()
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},  # type: ignore[typeddict-item]
        )

    def abort(self) -> None:
        self.client.abort_multipart_upload(
            Bucket=self.bucket, Key=self.key, UploadId=self._upload_id
        )
