"""Streamed objects (export files) go into S3 by multipart upload, visible only once complete."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from brandkit.config import Settings
from brandkit.storage.s3 import S3Storage
from brandkit.storage.s3_multipart import PART_BYTES


@pytest.fixture
def s3(tmp_path: Any) -> Iterator[S3Storage]:
    with mock_aws():
        settings = Settings(
            _env_file=None,
            data_dir=tmp_path,
            storage_backend="s3",
            s3_bucket="exports",
            s3_access_key_id="test",
            s3_secret_access_key="test",
        )
        storage = S3Storage(settings)
        storage.client.create_bucket(Bucket="exports")
        yield storage


def test_multipart_upload_publishes_the_whole_file(s3: S3Storage) -> None:
    data = os.urandom(PART_BYTES + 12345)
    with s3.open_writer("exports/a/b.zip", "application/zip") as out:
        for i in range(0, len(data), 1 << 20):
            out.write(data[i : i + (1 << 20)])
        assert not s3.exists("exports/a/b.zip")
    assert s3.read_bytes("exports/a/b.zip") == data


def test_a_failed_export_leaves_no_object(s3: S3Storage) -> None:
    def attempt() -> None:
        with s3.open_writer("exports/a/c.zip", "application/zip") as out:
            out.write(b"partial")
            raise RuntimeError("worker lost its lease")

    with pytest.raises(RuntimeError):
        attempt()
    assert not s3.exists("exports/a/c.zip")
    assert s3.client.list_multipart_uploads(Bucket="exports").get("Uploads", []) == []
