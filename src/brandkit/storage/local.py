"""Files under the data directory, served by Brandkit itself, which is also the upload target."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import IO
from urllib.parse import quote, urlencode

import anyio.to_thread

from brandkit.kit.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
)
from brandkit.kit.signing import b64decode, b64encode, sign, verify
from brandkit.storage import direct_io
from brandkit.storage.base import (
    FILES_ROUTE,
    UPLOAD_KEY,
    UploadGrant,
    upload_key_in,
)

_PURPOSE = "upload-put"
_PARTIAL_PUT = ".put-"
# Streamed objects (export files) are written here and renamed into place when complete, so a
# writer killed mid-file leaves nothing beside the published files, and the sweep finds it.
PARTIAL_DIR = ".partial"


class LocalStorage:
    def __init__(self, root: Path, public_base_url: str, signing_key: bytes) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.public_base_url = public_base_url.rstrip("/")
        self._files_base = self.public_base_url + FILES_ROUTE
        self._key = signing_key

    def sweep_partials(self, prefix: str, idle_seconds: float) -> int:
        """Delete the temp files of PUTs and streamed writes that a crash cut off.

        A write in progress touches its file continually, so one idle this long is dead (a
        write that fails while the process lives removes its own file).
        """
        cutoff = time.time() - idle_seconds
        removed = 0
        partials = [
            *(self.root / prefix).rglob(_PARTIAL_PUT + "*"),
            *(self.root / PARTIAL_DIR).glob(_partial_name(prefix) + "*"),
        ]
        for path in partials:
            with contextlib.suppress(FileNotFoundError):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed

    def path_for(self, key: str) -> Path:
        try:
            path = (self.root / key).resolve()
        except (OSError, ValueError):  # a NUL, a name too long for the file system
            raise NotFound("File not found") from None
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

    def size(self, key: str) -> int | None:
        try:
            return self.path_for(key).stat().st_size
        except FileNotFoundError:
            return None

    def move(self, source: str, target: str, content_type: str) -> None:
        path = self.path_for(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.path_for(source), path)

    def delete(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)

    @contextlib.contextmanager
    def open_writer(self, key: str, content_type: str) -> Iterator[IO[bytes]]:
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.root / PARTIAL_DIR
        partial.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=partial, prefix=_partial_name(key))
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def public_url(self, key: str) -> str:
        return f"{self._files_base}/{quote(key)}"

    def public_url_prefix(self) -> str | None:
        return f"{self._files_base}/"

    def download_url(self, key: str, expires_in: int, file_name: str) -> str | None:
        # Brandkit serves local files itself, behind a URL signed by the caller's domain.
        return None

    def local_path(self, key: str) -> Path | None:
        return self.path_for(key)

    def upload_target(self) -> LocalStorage:
        return self

    def check(self) -> None:
        if not (self.root.is_dir() and os.access(self.root, os.W_OK | os.X_OK)):
            raise ServiceUnavailable(f"The files folder {self.root} is not writable")

    def create(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def presign_put(
        self,
        key: str,
        content_type: str,
        max_bytes: int,
        expires_in: int,
        content_length: int | None = None,
    ) -> str:
        expires = int(time.time()) + expires_in
        query = {"ct": content_type, "max": str(max_bytes), "exp": str(expires)}
        if content_length is not None:
            query["len"] = str(content_length)
        query["sig"] = b64encode(sign(self._key, _PURPOSE, _grant_message(key, query)))
        return f"{self.public_url(key)}?{urlencode(query)}"

    def key_from_upload_url(self, url: str) -> str | None:
        return upload_key_in(url, self._files_base)

    def check_put(
        self, key: str, query: Mapping[str, str], content_type: str | None
    ) -> UploadGrant:
        """The grant a signed upload URL carries, or Forbidden when it does not cover this PUT."""
        if not UPLOAD_KEY.fullmatch(key):
            raise Forbidden("This URL does not accept uploads")
        try:
            signature = b64decode(query.get("sig", ""))
            max_bytes, expires = int(query["max"]), int(query["exp"])
            exact = int(query["len"]) if "len" in query else None
        except (KeyError, ValueError):
            raise Forbidden("The upload URL signature is not valid") from None
        if not verify(self._key, _PURPOSE, _grant_message(key, query), signature):
            # Also the answer for another key: the signature covers the key.
            raise Forbidden("The upload URL signature is not valid")
        if time.time() > expires:
            raise Forbidden("The upload URL has expired")
        if (content_type or "").strip().lower() != query["ct"].lower():
            raise Forbidden(f"Content-Type must be {query['ct']}, as the upload URL was signed")
        return UploadGrant(query["ct"], max_bytes, exact)

    async def receive(self, key: str, body: AsyncIterator[bytes], max_bytes: int) -> int:
        """Stream a PUT body to a temp file; the object appears only when complete and in size.

        The first complete PUT wins: the file is hard-linked into place, which fails when the key
        exists, so a signed URL never overwrites what it already delivered.
        """
        path = self.path_for(key)
        await anyio.to_thread.run_sync(lambda: path.parent.mkdir(parents=True, exist_ok=True))
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_PARTIAL_PUT)
        received = 0
        try:
            with os.fdopen(fd, "wb") as fh:
                spool = direct_io.Spool(direct_io.writer_for(fh))
                try:
                    batch: list[bytes] = []
                    pending = 0
                    async for chunk in body:
                        received += len(chunk)
                        if received > max_bytes:
                            raise PayloadTooLarge(f"The upload is larger than {max_bytes} bytes")
                        batch.append(chunk)
                        pending += len(chunk)
                        if pending >= direct_io.WRITE_BATCH:
                            await spool.write(batch)
                            batch, pending = [], 0
                    await spool.write(batch)
                    if not received:
                        raise BadRequest("The upload body is empty")
                finally:
                    # The worker thread must be done with the file before it is closed.
                    await spool.wait()
                # A 200 means stored, as it does from S3: data and size must survive a crash.
                await anyio.to_thread.run_sync(spool.writer.finish)
            try:
                await anyio.to_thread.run_sync(os.link, tmp, path)
            except FileExistsError:
                raise Conflict("This upload URL has already been used") from None
            # ...and so must the new name.
            await anyio.to_thread.run_sync(direct_io.sync_directory, path.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return received


def _partial_name(key: str) -> str:
    """Partial files are named after the key's top-level folder, so a sweep can tell them apart."""
    return key.split("/", 1)[0] + "-"


def _grant_message(key: str, query: Mapping[str, str]) -> bytes:
    fields = (key, query["ct"].lower(), query["max"], query["exp"], query.get("len", ""))
    return "\n".join(fields).encode()
