"""The export's ZIP container (exports/archive.py), below the job: a member streamed in many
writes reads back byte for byte with zipfile (CRC checked) and with Info-ZIP's ``unzip -t``;
an error in the body or in the compressing thread reaches the writer."""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest

from brandkit.exports.archive import zip_member


def _rows(n: int) -> list[bytes]:
    rng = random.Random(3)
    return [
        f'"{i}","p.{rng.randrange(10**6)}@example.com","{rng.random():.6f}","é ü ß"\r\n'.encode()
        for i in range(n)
    ]


def test_a_streamed_member_reads_back_exactly(tmp_path: Path) -> None:
    rows = _rows(50_000)
    path = tmp_path / "export.zip"
    when = datetime(2024, 3, 31, 14, 7, 9, tzinfo=UTC)
    with path.open("wb") as raw, zip_member(raw, "activities.csv", when) as member:
        for start in range(0, len(rows), 997):
            member.write(b"".join(rows[start : start + 997]))
        member.write(os.urandom(300_000))  # incompressible bytes too
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every CRC holds
        (info,) = z.infolist()
        assert info.filename == "activities.csv"
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.date_time == (2024, 3, 31, 14, 7, 8)  # DOS time: two-second steps
        body = z.read("activities.csv")
    assert body[:-300_000] == b"".join(rows)
    assert info.file_size == len(body)
    assert info.compress_size < info.file_size
    unzip = shutil.which("unzip")
    if unzip is None and os.environ.get("CI"):
        pytest.fail("unzip is missing: .ci/run installs it")
    if unzip is not None:
        checked = subprocess.run([unzip, "-t", str(path)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "No errors detected" in checked.stdout


def test_an_empty_member_is_a_valid_zip() -> None:
    raw = io.BytesIO()
    with zip_member(raw, "contacts.csv", datetime(2024, 1, 1, tzinfo=UTC)):
        pass
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as z:
        assert z.read("contacts.csv") == b""


def test_the_bodys_error_is_raised_and_the_archive_left_unfinished() -> None:
    raw = io.BytesIO()
    when = datetime(2024, 1, 1, tzinfo=UTC)
    with (  # noqa: PT012
        pytest.raises(RuntimeError, match="cancelled"),
        zip_member(raw, "contacts.csv", when) as member,
    ):
        member.write(b"a" * 100_000)
        raise RuntimeError("cancelled")
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(raw.getvalue()))


class _FullDisk(io.RawIOBase):
    def __init__(self) -> None:
        self.writes = 0

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        self.writes += 1
        if self.writes > 1:  # the local header goes through; the compressed data does not
            raise OSError(28, "No space left on device")
        return len(data)  # type: ignore[arg-type]


def test_a_storage_error_in_the_compressor_reaches_the_writer() -> None:
    raw: IO[bytes] = _FullDisk()  # type: ignore[assignment]
    when = datetime(2024, 1, 1, tzinfo=UTC)
    with (  # noqa: PT012
        pytest.raises(OSError, match="No space left"),
        zip_member(raw, "contacts.csv", when) as member,
    ):
        for _ in range(200):
            member.write(os.urandom(1 << 16))
