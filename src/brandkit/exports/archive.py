"""The export's ZIP: one streamed member (the CSV), deflated by ISA-L in a thread of its own.

zipfile's own deflate (zlib level 1, 75 MB/s here) took a quarter of an export's time, in the
thread reading the database. ISA-L's level 1 writes the same deflate format at about five times
zlib's speed and smaller, and releases the GIL, so in its own thread it overlaps the database
read almost entirely. zipfile cannot be given another compressor, so the container (ZIP64 with
a data descriptor, as zipfile writes a streamed member with ``force_zip64``) is written here;
tests/exports read it back with zipfile, ``unzip -t`` and DuckDB.
"""

from __future__ import annotations

import queue
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import IO

from isal import isal_zlib

LEVEL = 1
# Bytes queued between the reading thread and the compressing one: enough to ride out a slow
# batch on either side, small beside the 200 MB an export may use.
QUEUE_BATCHES = 8

_VERSION = 45  # ZIP64
_FLAGS = 0x0808  # sizes in a data descriptor; the name is UTF-8
_DEFLATED = 8
_MAX32 = 0xFFFFFFFF
_UNIX_FILE = 0o100644 << 16


def _dos(when: datetime) -> tuple[int, int]:
    time = (when.hour << 11) | (when.minute << 5) | (when.second // 2)
    date = ((max(when.year, 1980) - 1980) << 9) | (when.month << 5) | when.day
    return time, date


class _Member:
    """What the CSV writer writes to: each ``write`` is queued for the compressing thread."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._queue: queue.Queue[bytes | None] = queue.Queue(QUEUE_BATCHES)
        self._failed: BaseException | None = None
        self.crc = 0
        self.size = 0
        self.compressed = 0
        self._thread = threading.Thread(target=self._compress, name="export-deflate", daemon=True)
        self._thread.start()

    def _compress(self) -> None:
        deflate = isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, -15)
        try:
            while (data := self._queue.get()) is not None:
                self.crc = zlib.crc32(data, self.crc)
                self.size += len(data)
                self._emit(deflate.compress(data))
            self._emit(deflate.flush())
        except BaseException as exc:  # handed to the writing thread, which raises it
            self._failed = exc
            while self._queue.get() is not None:  # let the writer finish putting
                pass

    def _emit(self, data: bytes) -> None:
        if data:
            self._raw.write(data)
            self.compressed += len(data)

    def write(self, data: bytes) -> int:
        if self._failed is not None:
            raise self._failed
        if data:
            self._queue.put(bytes(data))
        return len(data)

    def close(self) -> None:
        """Wait for the compressor to finish everything written."""
        self._queue.put(None)
        self._thread.join()
        if self._failed is not None:
            raise self._failed


@contextmanager
def zip_member(raw: IO[bytes], name: str, when: datetime) -> Iterator[IO[bytes]]:
    """Write a ZIP holding one member ``name`` to ``raw``; the body writes the member's bytes
    to what this yields. If the body raises, the archive is left unfinished (the caller's
    storage writer discards it)."""
    encoded = name.encode("utf-8")
    dos_time, dos_date = _dos(when)
    local_extra = struct.pack("<HHQQ", 1, 16, 0, 0)
    raw.write(
        struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            _VERSION,
            _FLAGS,
            _DEFLATED,
            dos_time,
            dos_date,
            0,
            _MAX32,
            _MAX32,
            len(encoded),
            len(local_extra),
        )
        + encoded
        + local_extra
    )
    header_size = 30 + len(encoded) + len(local_extra)
    member = _Member(raw)
    try:
        yield member  # type: ignore[misc]  # it has what the writers use of IO: write
    except BaseException:
        # The body's own error is the one to raise, not one the compressor met after it.
        with suppress(BaseException):
            member.close()
        raise
    member.close()
    raw.write(struct.pack("<4sIQQ", b"PK\x07\x08", member.crc, member.compressed, member.size))
    directory_at = header_size + member.compressed + 24
    central_extra = struct.pack("<HHQQQ", 1, 24, member.size, member.compressed, 0)
    central = (
        struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            (3 << 8) | _VERSION,
            _VERSION,
            _FLAGS,
            _DEFLATED,
            dos_time,
            dos_date,
            member.crc,
            _MAX32,
            _MAX32,
            len(encoded),
            len(central_extra),
            0,
            0,
            0,
            _UNIX_FILE,
            _MAX32,
        )
        + encoded
        + central_extra
    )
    end64_at = directory_at + len(central)
    raw.write(
        central
        + struct.pack(
            "<4sQHHIIQQQQ",
            b"PK\x06\x06",
            44,
            _VERSION,
            _VERSION,
            0,
            0,
            1,
            1,
            len(central),
            directory_at,
        )
        + struct.pack("<4sIQI", b"PK\x06\x07", 0, end64_at, 1)
        + struct.pack(
            "<4sHHHHIIH",
            b"PK\x05\x06",
            0,
            0,
            1,
            1,
            min(len(central), _MAX32),
            min(directory_at, _MAX32),
            0,
        )
    )
