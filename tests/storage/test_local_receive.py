"""The local backend's PUT body writer: every byte lands, on the direct and the cached path."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from brandkit.kit.errors import BadRequest, PayloadTooLarge
from brandkit.storage import direct_io
from brandkit.storage.local import LocalStorage

BATCH = direct_io.WRITE_BATCH
SIZES = [1, 4095, 4096, 4097, BATCH - 1, BATCH, BATCH + 1, 3 * BATCH + 12_345]


async def _chunks(data: bytes, rng: random.Random) -> AsyncIterator[bytes]:
    at = 0
    while at < len(data):
        # Odd sizes, as a socket delivers them, so batches never line up with blocks.
        n = rng.choice((1, 777, 65_536, 262_144, 1_000_003))
        yield data[at : at + n]
        at += n


@pytest.fixture(params=["direct", "cached"])
def writer_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    kind: str = request.param
    if kind == "cached":
        monkeypatch.setattr(direct_io, "O_DIRECT", 0)
    used: list[str] = []
    choose = direct_io.writer_for

    def spy(fh: BinaryIO) -> direct_io.Writer:
        writer = choose(fh)
        used.append(type(writer).__name__)
        return writer

    monkeypatch.setattr(direct_io, "writer_for", spy)
    yield kind
    # The temp directory is on ext4 here and in CI, which takes direct I/O: the direct case
    # must not quietly fall back to the page cache.
    expected = "DirectWriter" if kind == "direct" else "CachedWriter"
    assert set(used) == {expected}


@pytest.mark.parametrize("size", SIZES)
def test_every_byte_lands(tmp_path: Path, writer_kind: str, size: int) -> None:
    storage = LocalStorage(tmp_path, "http://testserver", b"k")
    data = random.Random(size).randbytes(size)
    key = "uploads/" + "a" * 22 + ".png"
    received = asyncio.run(storage.receive(key, _chunks(data, random.Random(size)), size))
    assert received == size
    assert storage.path_for(key).read_bytes() == data
    assert not list(tmp_path.rglob(".put-*"))


def test_an_empty_body_is_refused_and_leaves_nothing(tmp_path: Path, writer_kind: str) -> None:
    storage = LocalStorage(tmp_path, "http://testserver", b"k")
    key = "uploads/" + "e" * 22 + ".png"
    with pytest.raises(BadRequest):
        asyncio.run(storage.receive(key, _chunks(b"", random.Random(0)), 10))
    assert not storage.exists(key)
    assert not list(tmp_path.rglob(".put-*"))


def test_oversize_leaves_nothing(tmp_path: Path, writer_kind: str) -> None:
    storage = LocalStorage(tmp_path, "http://testserver", b"k")
    data = os.urandom(2 * BATCH + 5)
    key = "uploads/" + "b" * 22 + ".png"
    with pytest.raises(PayloadTooLarge):
        asyncio.run(storage.receive(key, _chunks(data, random.Random(1)), 2 * BATCH))
    assert not storage.exists(key)
    assert not list(tmp_path.rglob(".put-*"))


def test_a_file_system_that_refuses_direct_writes_still_gets_every_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_all = direct_io.write_all
    refused = []

    def refusing(fd: int, data: memoryview) -> None:
        # As overlayfs on older kernels does: the flag is taken, the write is refused.
        if fcntl.fcntl(fd, fcntl.F_GETFL) & direct_io.O_DIRECT:
            refused.append(len(data))
            raise OSError(errno.EINVAL, "Invalid argument")
        write_all(fd, data)

    monkeypatch.setattr(direct_io, "write_all", refusing)
    storage = LocalStorage(tmp_path, "http://testserver", b"k")
    size = 3 * BATCH + 4097
    data = random.Random(7).randbytes(size)
    key = "uploads/" + "c" * 22 + ".png"
    assert asyncio.run(storage.receive(key, _chunks(data, random.Random(7)), size)) == size
    assert storage.path_for(key).read_bytes() == data
    assert refused == [BATCH]
