"""Presigned upload URLs per second, and local-backend upload throughput beside a plain file write.

    .venv/bin/python -m bench.uploads

1. Signing: ``presign_put`` of the local backend (HMAC) and of the s3 backend (SigV4 query
   signing, no network), in a loop. Target: >= 5,000 URLs/s each.
2. The endpoint: ``files/get-presigned-url`` served by uvicorn in its own process (SQLite, one row
   per URL), driven by ``bench._loadgen`` in another process, beside a bare Starlette endpoint
   (``reference_app``) that does the same key lookup, insert and signing on the same kind of
   database under the same uvicorn settings, at 1 and 16 connections, in paired rounds.
   Target: Brandkit >= 60% of the reference's req/s at each, p99 printed.
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
from sqlalchemy import insert
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from brandkit.accounts import service as accounts
from brandkit.accounts.repository import AccountsRepository
from brandkit.accounts.tokens import secret_matches
from brandkit.config import Settings
from brandkit.db import make_engine, make_sessionmaker, transaction, utcnow
from brandkit.migrate import upgrade
from brandkit.storage.local import LocalStorage
from brandkit.storage.s3 import S3Storage
from brandkit.uploads.models import Upload

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
PRESIGN_ROUNDS = 5
TARGET_PRESIGN_SHARE = 0.60
SERVE_ENV = "BRANDKIT_BENCH_UPLOADS_APP"


def reference_app() -> Starlette:
    """The presign without a framework: read the JSON, look the key up and check its secret,
    insert the upload's row in a write transaction, sign the URL, answer the same JSON."""
    from datetime import timedelta

    settings = Settings()
    engine = make_engine(settings.effective_database_url)
    sessions = make_sessionmaker(engine)
    storage = LocalStorage(
        settings.data_dir / "files", settings.public_base_url, settings.signing_key
    )

    def presign(token: str, body: dict[str, Any]) -> bytes:
        key_id, _, secret = token.partition(":")
        ext = body["extension"]
        content_type = "image/png"
        file_name = f"{secrets.token_urlsafe(16)}.{ext}"
        key = "uploads/" + file_name
        now = utcnow()
        with transaction(sessions, write=True) as session:
            row = AccountsRepository(session).key_for_auth(key_id)
            if row is None or not secret_matches(secret, row.secret_hash):
                raise PermissionError
            session.execute(
                insert(Upload).values(
                    key=key,
                    account_id=row.account_id,
                    user_id=row.user_id,
                    media_type=body["type"],
                    extension=ext,
                    content_type=content_type,
                    max_bytes=settings.upload_max_bytes,
                    brand_id=None,
                    expires_at=now + timedelta(seconds=300),
                    created_at=now,
                )
            )
        url = storage.presign_put(key, content_type, settings.upload_max_bytes, 300)
        return orjson.dumps(
            {
                "status": 200,
                "body": {
                    "uploadUrl": url,
                    "method": "PUT",
                    "headers": {"Content-Type": content_type},
                    "expiresIn": 300,
                    "fileName": file_name,
                },
            }
        )

    async def endpoint(request: Request) -> Response:
        body = orjson.loads(await request.body())
        token = request.headers.get("sivi-api-key", "")
        return Response(
            await run_in_threadpool(presign, token, body), media_type="application/json"
        )

    return Starlette(routes=[Route("/files/get-presigned-url", endpoint, methods=["POST"])])


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
def server(data_dir: Path, kind: str = "brandkit") -> Iterator[tuple[int, str]]:
    """Brandkit (or ``reference_app``) under uvicorn in its own process, with a fresh SQLite
    database and a key."""
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
    app = "brandkit.app:create_app" if kind == "brandkit" else "bench.uploads:reference_app"
    # The same uvicorn settings for both (its defaults: uvloop and httptools where installed).
    command = [sys.executable, "-m", "uvicorn", app, "--factory"]
    command += ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
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


def presign_pairs(connections: int) -> None:
    """Paired rounds, Brandkit and the reference back to back, each on a fresh database; the
    verdict is the median pair's share."""
    pairs = []
    for i in range(PRESIGN_ROUNDS):
        pair: dict[str, dict[str, Any]] = {}
        for kind in ("reference", "brandkit") if i % 2 == 0 else ("brandkit", "reference"):
            with tempfile.TemporaryDirectory() as tmp, server(Path(tmp), kind) as (port, token):
                pair[kind] = endpoint_rate(port, token, connections)
                if pair[kind]["errors"]:
                    raise RuntimeError(f"{kind} answered errors: {pair[kind]}")
        pairs.append(pair)
    pairs.sort(key=lambda p: p["brandkit"]["rps"] / p["reference"]["rps"])
    median = pairs[len(pairs) // 2]
    ours, ref = median["brandkit"], median["reference"]
    share = ours["rps"] / ref["rps"]
    shares = ", ".join(f"{p['brandkit']['rps'] / p['reference']['rps']:.0%}" for p in pairs)
    print(f"files/get-presigned-url, {connections} connections, {PRESIGN_ROUNDS} pairs ({shares}):")
    for name, r in (("reference (bare Starlette)", ref), ("brandkit", ours)):
        print(f"  {name:28s} {r['rps']:7,.0f} req/s   p99 {r['p99']:7.1f} ms")
    verdict = "ok" if share >= TARGET_PRESIGN_SHARE else "MISSED"
    print(f"  brandkit / reference = {share:.0%} (target >= {TARGET_PRESIGN_SHARE:.0%}) {verdict}")


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
    for connections in CONNECTIONS:
        presign_pairs(connections)
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp)) as (port, token):
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
