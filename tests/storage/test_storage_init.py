"""``brandkit storage init`` creates the S3 bucket (moto over real HTTP), is idempotent, and
fails in one line naming the bucket when the store cannot be used."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3


def _init(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "brandkit.cli", "storage", "init"],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _s3_env(endpoint: str, bucket: str, tmp_path: Path) -> dict[str, str]:
    return {
        "BRANDKIT_DATA_DIR": str(tmp_path),
        "BRANDKIT_STORAGE_BACKEND": "s3",
        "BRANDKIT_S3_ENDPOINT_URL": endpoint,
        "BRANDKIT_S3_BUCKET": bucket,
        "BRANDKIT_S3_ACCESS_KEY_ID": "test",
        "BRANDKIT_S3_SECRET_ACCESS_KEY": "test",
    }


def test_storage_init_creates_the_bucket_once(moto_url: str, tmp_path: Path) -> None:
    bucket = f"init-{uuid.uuid4().hex[:10]}"
    env = _s3_env(moto_url, bucket, tmp_path)
    for _ in range(2):
        done = _init(env, tmp_path)
        assert done.returncode == 0, done.stderr
        assert f"s3://{bucket}" in done.stdout
    client = boto3.client(
        "s3",
        endpoint_url=moto_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    assert bucket in [b["Name"] for b in client.list_buckets()["Buckets"]]


def test_storage_init_names_the_bucket_when_the_store_is_unreachable(tmp_path: Path) -> None:
    env = _s3_env("http://127.0.0.1:9", "nowhere-bucket", tmp_path)
    done = _init(env, tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "'nowhere-bucket'" in lines[0]


def test_storage_init_makes_the_local_folder(tmp_path: Path) -> None:
    done = _init({"BRANDKIT_DATA_DIR": str(tmp_path / "fresh")}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "fresh" / "files").is_dir()
