"""Presigned upload URLs per second, and local-backend upload throughput beside a plain file write.

    .venv/bin/python -m bench.uploads

1. Signing: ``presign_put`` of the local backend (HMAC) and of the s3 backend (SigV4 query
   signing, no network), in a loop. Target: >= 5,000 URLs/s each.
2. The endpoint: ``files/get-presigned-url`` served by uvicorn in its own process (SQLite, one row
   per URL), driven by ``bench._loadgen`` in another process. Reported beside the target.
3. Upload: a body of ``UPLOAD_MB`` PUT over loopback HTTP to the local backend (uvicorn in its own
   process), against writing the same bytes to a file in the same directory, in the same run.
   The upload is durable before it answers 200 (a 200 means stored, as from S3), so the plain
   write it is compared with fsyncs too; the page-cache-only write is printed beside it.
   Seven alternating rounds; the median round's share is judged.
   Target: upload >= 50% of the plain write's MB/s.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson

from brandkit.accounts import service as accounts
from brandkit.config import Settings
from brandkit.db import make_engine, make_sessionmaker, transaction
from brandkit.migrate import upgrade
from brandkit.storage.local import LocalStorage
from brandkit.storage.s3 import S3Storage

SIGN_COUNT = 20_000
TARGET_URLS_PER_S = 5_000
UPLOAD_MB = 256
CHUNK = os.urandom(1 << 20)
TARGET_UPLOAD_SHARE = 0.50
ROUNDS = 7
# One connection shows the per-request cost; more show SQLite's single writer under contention.
CONNECTIONS = (1, 16)
WARMUP_S = 1.0
MEASURE_S = 5.0


def _key() -> str:
    return f"uploads/{secrets.token_urlsafe(16)}.png"


def sign_rate(presign: Any) -> float:
    keys = [_key() for _ in range(SIGN_COUNT)]
    started = time.perf_counter()
    for key in keys:
        presign(key, "image/png", 25 << 20, 300)
    return SIGN_COUNT / (time.perf_counter() - started)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def server(data_dir: Path) -> Iterator[tuple[int, str]]:
    """Brandkit under uvicorn in its own process, with a fresh SQLite database and a key."""
    port = _free_port()
    database_url = f"sqlite:///{data_dir / 'bench.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    with transaction(make_sessionmaker(engine), write=True) as session:
        account = accounts.create_account(session, "bench")
        token = accounts.create_key(session, account.id, "enterprise").token
    engine.dispose()
    env = {
        **os.environ,
        "BRANDKIT_DATA_DIR": str(data_dir),
        "BRANDKIT_DATABASE_URL": database_url,
        "BRANDKIT_SECRET_KEY": "bench-secret-key-of-32-characters",
        "BRANDKIT_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "BRANDKIT_EMBEDDED_WORKER": "false",
        "BRANDKIT_RATE_LIMIT_ENTERPRISE": "100000000",
        "BRANDKIT_UPLOAD_MAX_BYTES": str((UPLOAD_MB + 1) << 20),
        "BRANDKIT_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "uvicorn", "brandkit.app:create_app", "--factory"]
    command += ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        yield port, token
    finally:
        process.terminate()
        process.wait(10)


def endpoint_rate(port: int, token: str, connections: int) -> dict[str, Any]:
    payload = orjson.dumps({"type": "photo", "extension": "png"})
    request = (
        f"POST /files/get-presigned-url HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        f"sivi-api-key: {token}\r\n\r\n"
    ).encode() + payload
    command = [sys.executable, "-m", "bench._loadgen", str(port), str(connections)]
    command += [str(WARMUP_S), str(MEASURE_S)]
    out = subprocess.run(command, input=request, capture_output=True, check=True)
    result: dict[str, Any] = orjson.loads(out.stdout)
    latencies = sorted(result["latencies_ms"]) or [float("nan")]
    return {
        "rps": result["requests"] / result["seconds"],
        "errors": result["errors"],
        "p99": latencies[int(len(latencies) * 0.99) - 1 if len(latencies) > 1 else 0],
    }


def _body() -> Iterator[bytes]:
    for _ in range(UPLOAD_MB):
        yield CHUNK


def plain_write_mb_s(directory: Path, *, durable: bool) -> float:
    path = directory / "plain.bin"
    # Every measurement starts with no dirty pages left by the previous one to write back.
    os.sync()
    started = time.perf_counter()
    with path.open("wb") as fh:
        for chunk in _body():
            fh.write(chunk)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())
    elapsed = time.perf_counter() - started
    path.unlink()
    return UPLOAD_MB / elapsed


def upload_mb_s(port: int, token: str) -> float:
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=120) as client:
        grant = client.post(
            "/files/get-presigned-url",
            json={"type": "photo", "extension": "png"},
            headers={"sivi-api-key": token},
        ).json()["body"]
        headers = {**grant["headers"], "Content-Length": str(UPLOAD_MB << 20)}
        os.sync()
        started = time.perf_counter()
        r = client.put(grant["uploadUrl"], content=_body(), headers=headers)
        elapsed = time.perf_counter() - started
    if r.status_code != 200:
        raise RuntimeError(f"upload failed: {r.status_code} {r.text}")
    return UPLOAD_MB / elapsed


def main() -> None:
    local = LocalStorage(Path(tempfile.mkdtemp()), "http://127.0.0.1:8000", b"bench-key")
    s3 = S3Storage(
        Settings(
            _env_file=None,
            storage_backend="s3",
            s3_endpoint_url="http://127.0.0.1:9000",
            s3_access_key_id="bench",
            s3_secret_access_key="bench",
        )
    )
    local_rate, s3_rate = sign_rate(local.presign_put), sign_rate(s3.presign_put)
    print(f"sign, local (HMAC):   {local_rate:>10,.0f} URLs/s   target >= {TARGET_URLS_PER_S:,}")
    print(f"sign, s3 (SigV4):     {s3_rate:>10,.0f} URLs/s   target >= {TARGET_URLS_PER_S:,}")
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp)) as (port, token):
        for connections in CONNECTIONS:
            rate = endpoint_rate(port, token, connections)
            print(
                f"endpoint files/get-presigned-url, {connections:>2} connections: "
                f"{rate['rps']:>6,.0f} req/s (p99 {rate['p99']:.1f} ms, {rate['errors']} errors; "
                "one process, SQLite, a row per URL)"
            )
        # Alternated, so none gets a warmer page cache; the disk's speed drifts between rounds,
        # so each round's upload is judged against that round's plain write, and the median
        # round is reported.
        rounds = []
        for _ in range(ROUNDS):
            durable = plain_write_mb_s(Path(tmp), durable=True)
            cached = plain_write_mb_s(Path(tmp), durable=False)
            upload = upload_mb_s(port, token)
            rounds.append((upload / durable, durable, cached, upload))
            print(
                f"  round: plain write + fsync {durable:>6,.0f} MB/s, page cache only "
                f"{cached:>6,.0f} MB/s, upload {upload:>6,.0f} MB/s ({upload / durable:.0%})"
            )
        share, durable, cached, upload = sorted(rounds)[len(rounds) // 2]
        print(f"median round ({UPLOAD_MB} MB each):")
        print(f"plain file write + fsync: {durable:>8,.0f} MB/s")
        print(
            f"upload over HTTP:         {upload:>8,.0f} MB/s = {share:.0%} of the plain "
            f"write   target >= {TARGET_UPLOAD_SHARE:.0%}"
        )
        print(
            f"(plain write to the page cache, no fsync: {cached:,.0f} MB/s; the upload is "
            f"{upload / cached:.0%} of that. An upload answers 200 only once durable.)"
        )


if __name__ == "__main__":
    main()
