"""A 100 MB PUT to the local backend is streamed to disk, never held in memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator

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
    try:
        tracemalloc.reset_peak()
        r = live_local.http.put(
            grant["uploadUrl"],
            content=body(),
            headers={**grant["headers"], "Content-Length": str(BODY_MB * len(CHUNK))},
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert r.status_code == 200, r.text
    key = live_local.storage.key_from_upload_url(grant["uploadUrl"])
    assert key is not None
    assert live_local.storage.size(key) == BODY_MB * len(CHUNK)
    # Client and server together (same process, both traced): a few write batches at most.
    assert peak < 12 * (1 << 20), f"peak {peak / (1 << 20):.1f} MiB for a {BODY_MB} MiB body"
