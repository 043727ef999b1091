"""Files under the data directory, served by Brandkit itself, which is also the upload target."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import mmap
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import quote, urlencode

import anyio.to_thread

from brandkit.kit.errors import Conflict, Forbidden, NotFound, PayloadTooLarge
from brandkit.kit.signing import b64decode, b64encode, sign, verify
from brandkit.storage.base import UPLOAD_KEY, UPLOAD_PREFIX, upload_key_in

FILES_ROUTE = "/files"
_PURPOSE = "upload-put"
# Writes are handed to a thread in batches this large: one hop per chunk the server reads (often
# 64 KiB) would cost more than the write. A direct write waits for the device, so the batch must
# be big enough for receiving the next one to overlap it: 1 MiB gave 8% less than 2 MiB on
# loopback, 4 and 8 MiB no more, only more memory per upload (a batch received, one written).
_WRITE_BATCH = 2 << 20
_WRITEBACK_STEP = 8 << 20
_FADVISE = getattr(os, "posix_fadvise", None)
_O_DIRECT: int = getattr(os, "O_DIRECT", 0)
# Direct I/O wants buffer, length and offset aligned to the device's block (512 or 4096 bytes).
_DIRECT_ALIGN = 4096
_PARTIAL_PUT = ".put-"


@dataclass(frozen=True)
class UploadGrant:
    content_type: str
    max_bytes: int


class LocalStorage:
    def __init__(self, root: Path, public_base_url: str, signing_key: bytes) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.public_base_url = public_base_url.rstrip("/")
        self._files_base = self.public_base_url + FILES_ROUTE
        self._key = signing_key

    def sweep_abandoned_puts(self, idle_seconds: float) -> int:
        """Delete the temp files of PUTs that a crash cut off mid-body; returns how many.

        A PUT in progress writes to its file continually, so one idle this long is dead (a PUT
        that fails while the process lives removes its own file).
        """
        cutoff = time.time() - idle_seconds
        removed = 0
        for path in (self.root / UPLOAD_PREFIX).rglob(_PARTIAL_PUT + "*"):
            with contextlib.suppress(FileNotFoundError):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed

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

    def public_url(self, key: str) -> str:
        return f"{self._files_base}/{quote(key)}"

    def presign_put(self, key: str, content_type: str, max_bytes: int, expires_in: int) -> str:
        expires = int(time.time()) + expires_in
        query = {"ct": content_type, "max": str(max_bytes), "exp": str(expires)}
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
        except (KeyError, ValueError):
            raise Forbidden("The upload URL signature is not valid") from None
        if not verify(self._key, _PURPOSE, _grant_message(key, query), signature):
            # Also the answer for another key: the signature covers the key.
            raise Forbidden("The upload URL signature is not valid")
        if time.time() > expires:
            raise Forbidden("The upload URL has expired")
        if (content_type or "").strip().lower() != query["ct"].lower():
            raise Forbidden(f"Content-Type must be {query['ct']}, as the upload URL was signed")
        return UploadGrant(query["ct"], max_bytes)

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
                spool = _Spool(_writer_for(fh))
                try:
                    batch: list[bytes] = []
                    pending = 0
                    async for chunk in body:
                        received += len(chunk)
                        if received > max_bytes:
                            raise PayloadTooLarge(f"The upload is larger than {max_bytes} bytes")
                        batch.append(chunk)
                        pending += len(chunk)
                        if pending >= _WRITE_BATCH:
                            await spool.write(batch)
                            batch, pending = [], 0
                    await spool.write(batch)
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
            await anyio.to_thread.run_sync(_sync_directory, path.parent)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return received


class _Writer(Protocol):
    def write(self, batch: list[bytes]) -> None: ...

    def finish(self) -> None:
        """Write what is left and make the file durable."""
        ...


def _writer_for(fh: BinaryIO) -> _Writer:
    if _O_DIRECT and _direct_io(fh.fileno()):
        return _DirectWriter(fh)
    return _CachedWriter(fh)


def _direct_io(fd: int) -> bool:
    """Switch ``fd`` to direct I/O; False where the file system refuses it (tmpfs, some FUSE)."""
    try:
        _set_direct(fd, True)
    except OSError:
        return False
    return True


def _set_direct(fd: int, on: bool) -> None:
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, flags | _O_DIRECT if on else flags & ~_O_DIRECT)


class _DirectWriter:
    """Writes past the page cache, from one aligned buffer.

    An upload is written once and read back at most once, when registered. Through the page
    cache, the kernel's copy into it took over a third of the CPU sampled during uploads, and
    the upload ran at half the speed of this path. Direct I/O hands our buffer to the device,
    so the fsync before the answer has only the file's metadata and the device cache left.
    """

    def __init__(self, fh: BinaryIO) -> None:
        # Written by file descriptor only: the file object's buffer stays empty.
        self.fd = fh.fileno()
        self.buffer = mmap.mmap(-1, _WRITE_BATCH)  # page-aligned, as direct I/O requires
        self.view = memoryview(self.buffer)
        self.fill = 0
        self.direct = True

    def write(self, batch: list[bytes]) -> None:
        for chunk in batch:
            data = memoryview(chunk)
            while data:
                n = min(len(data), _WRITE_BATCH - self.fill)
                self.view[self.fill : self.fill + n] = data[:n]
                self.fill += n
                data = data[n:]
                if self.fill == _WRITE_BATCH:
                    self._write(self.view)
                    self.fill = 0

    def finish(self) -> None:
        try:
            aligned = self.fill - self.fill % _DIRECT_ALIGN
            if aligned:
                self._write(self.view[:aligned])
            if self.fill > aligned:
                # The last partial block cannot be written directly: through the page cache.
                self._through_page_cache()
                _write_all(self.fd, self.view[aligned : self.fill])
            # Direct writes carry the data, not the file's size and block map.
            os.fsync(self.fd)
        finally:
            self.view.release()
            self.buffer.close()

    def _write(self, data: memoryview) -> None:
        try:
            _write_all(self.fd, data)
        except OSError as exc:
            # Some file systems take the flag and refuse the write (overlayfs on older kernels,
            # a device with larger blocks). A refused write wrote nothing: go on without it.
            if exc.errno != errno.EINVAL or not self.direct:
                raise
            self._through_page_cache()
            _write_all(self.fd, data)

    def _through_page_cache(self) -> None:
        if self.direct:
            _set_direct(self.fd, False)
            self.direct = False


class _CachedWriter:
    """Writes through the page cache, starting the writeback as it goes, so the fsync before
    the answer has little left to do."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.written = 0
        self.writeback_from = 0

    def write(self, batch: list[bytes]) -> None:
        self.fh.writelines(batch)
        self.written += sum(map(len, batch))
        if self.written - self.writeback_from >= _WRITEBACK_STEP and _FADVISE is not None:
            self.fh.flush()
            # On Linux this starts writing the range back to disk without waiting for it.
            _FADVISE(self.fh.fileno(), self.writeback_from, 0, os.POSIX_FADV_DONTNEED)
            self.writeback_from = self.written

    def finish(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())


class _Spool:
    """Runs one batch at a time in a worker thread while the event loop receives the next."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.inflight: asyncio.Future[None] | None = None

    async def write(self, batch: list[bytes]) -> None:
        await self.wait()
        self.inflight = asyncio.get_running_loop().run_in_executor(None, self.writer.write, batch)

    async def wait(self) -> None:
        inflight, self.inflight = self.inflight, None
        if inflight is not None:
            await inflight


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        data = data[os.write(fd, data) :]


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _grant_message(key: str, query: Mapping[str, str]) -> bytes:
    return "\n".join((key, query["ct"].lower(), query["max"], query["exp"])).encode()
