"""A 100 MB PUT to the local backend is streamed to disk, never held in memory."""

from __future__ import annotations

import re
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from tests.factories import Factory
from tests.storage.conftest import Live

BODY_MB = 100
CHUNK = b"\x5a" * (1 << 20)


def test_a_100_mb_put_keeps_memory_flat(live_local: Live, factory: Factory) -> None:
    t = factory.tenant()
    grant = live_local.presign(t, type="photo", extension="png")

    def body() -> Iterator[bytes]:
        for _ in range(BODY_MB):
            yield CHUNK

    tracemalloc.start()
    resident_before = _reset_peak_resident() if _LINUX else 0
    try:
        tracemalloc.reset_peak()
        r = live_local.http.put(
            grant["uploadUrl"],
            content=body(),
            headers={**grant["headers"], "Content-Length": str(BODY_MB * len(CHUNK))},
        )
        _, peak = tracemalloc.get_traced_memory()
        resident_growth = _peak_resident() - resident_before if _LINUX else 0
    finally:
        tracemalloc.stop()
    assert r.status_code == 200, r.text
    key = live_local.storage.key_from_upload_url(grant["uploadUrl"])
    assert key is not None
    assert live_local.storage.size(key) == BODY_MB * len(CHUNK)
    # Client and server together (same process, both traced): a few write batches at most.
    assert peak < 12 * (1 << 20), f"peak {peak / (1 << 20):.1f} MiB for a {BODY_MB} MiB body"
    # The process's peak resident memory sees what tracemalloc does not: the direct writer's
    # mmap buffer, and any copy made below Python's allocator. (Direct I/O is Linux-only here,
    # and so is the reading.)
    assert resident_growth < 24 * (1 << 20), f"resident memory grew {resident_growth >> 20} MiB"


_STATUS = Path("/proc/self/status")
_LINUX = sys.platform == "linux"


def _peak_resident() -> int:
    match = re.search(r"VmHWM:\s+(\d+) kB", _STATUS.read_text())
    assert match is not None
    return int(match.group(1)) * 1024


def _reset_peak_resident() -> int:
    """Linux: reset the process's peak resident size to the current one, and return that."""
    Path("/proc/self/clear_refs").write_text("5")
    return _peak_resident()
