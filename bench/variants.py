"""get-design-variants under load, beside a bare Starlette endpoint running the same query.

    .venv/bin/python -m bench.variants

Builds a throwaway PostgreSQL database (``BRANDKIT_BENCH_POSTGRES_URL``, default the local
server) with one design of 101,000 variants, then, in the same run and with the same engine, pool
and uvicorn settings:

1. serves page 1 (limit 100) from Brandkit and from the reference, each in its own process, under
   64 keep-alive connections driven by ``bench._loadgen`` in another process, in nine rounds that
   each run both back to back, and prints every round's share and the req/s and p99 of the
   median round. Target: Brandkit >= 60% of the reference's req/s.
2. walks the cursor to page 1,000 and prints the latency of page 1 and page 1,000 (sequential
   requests, median). Target: page 1,000 within 1.5x of page 1.

The reference differs only by having no authentication, rate limit, validation or cursor signing.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import Engine, bindparam, create_engine, make_url, select, text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from brandkit.accounts import service as accounts
from brandkit.config import Settings, normalise_database_url
from brandkit.db import make_engine, make_sessionmaker, transaction, utcnow
from brandkit.designs.models import Design
from brandkit.designs.repository import VARIANT_COLUMNS
from brandkit.designs.service import VariantLinks
from brandkit.kit.ids import new_uuid, short_id
from brandkit.migrate import upgrade
from brandkit.storage.factory import make_storage

VARIANTS = 101_000
CONNECTIONS = 64
WARMUP_S = 2.0
MEASURE_S = 4.0
ROUNDS = 9
DEPTH = 1_000
DEPTH_SAMPLES = 200
PATH = "/api/prod/v2/enterprise/get-design-variants"
TARGET_SHARE = 0.60
TARGET_DEPTH_RATIO = 1.5
SERVER_ENV = "BRANDKIT_BENCH_SERVE"


# --- the reference: a bare Starlette endpoint, same engine settings, same SQL, same JSON ---------


def reference_app() -> Starlette:
    from brandkit.designs.models import Variant

    settings = Settings()
    engine = make_engine(settings.effective_database_url)
    links = VariantLinks(make_storage(settings), settings.editor_base_url)
    query = (
        select(*VARIANT_COLUMNS)
        .where(Variant.design_id == bindparam("design_id"))
        .order_by(Variant.created_at.desc(), Variant.id.desc())
        .limit(bindparam("limit"))
    )

    async def endpoint(request: Request) -> Response:
        body = orjson.loads(await request.body())
        limit = int(body.get("limit", 100))

        def page() -> bytes:
            with engine.connect() as conn:
                rows = conn.execute(
                    query, {"design_id": body["designId"], "limit": limit + 1}
                ).all()
            shown = rows[:limit]
            return orjson.dumps(
                {
                    "status": 200,
                    "body": {
                        "designId": body["designId"],
                        "variations": [links.render(r) for r in shown],
                        "cursor": None,
                        "nextPage": len(rows) > limit,
                    },
                }
            )

        return Response(await run_in_threadpool(page), media_type="application/json")

    return Starlette(routes=[Route(PATH, endpoint, methods=["POST"])])


# --- the run -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    base = normalise_database_url(
        os.environ.get(
            "BRANDKIT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
    )
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"brandkit_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(engine: Engine) -> tuple[str, str]:
    """An account, an enterprise key and one design with ``VARIANTS`` variants (COPY)."""
    with transaction(make_sessionmaker(engine), write=True) as s:
        account = accounts.create_account(s, "bench")
        issued = accounts.create_key(s, account.id, "enterprise")
        user, workspace = accounts.ensure_user(s, account.id, "admin")
        design = Design(
            id=new_uuid(), account_id=account.id, user_id=user.id, workspace_id=workspace.id
        )
        s.add(design)
    start = utcnow() - timedelta(seconds=VARIANTS)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        columns = (
            "id, account_id, design_id, user_id, workspace_id, variant_type, storage_key, "
            "width, height, meta, created_at"
        )
        with cur.copy(f"COPY variants ({columns}) FROM STDIN") as copy:
            for i in range(VARIANTS):
                vid = short_id()
                kind = "EDITED" if i % 5 == 0 else "GENERATED"
                copy.write_row(
                    (
                        vid,
                        account.id,
                        design.id,
                        user.id,
                        workspace.id,
                        kind,
                        f"variants/{account.id}/{kind.lower()}/{design.id}--{vid}.jpg",
                        1080,
                        1080,
                        "{}",
                        start + timedelta(seconds=i),
                    )
                )
        cur.execute("ANALYZE variants")
        raw.commit()
    finally:
        raw.close()
    return issued.token, design.id


@contextlib.contextmanager
def server(kind: str, database_url: str, data_dir: str) -> Iterator[int]:
    port = _free_port()
    env = {
        **os.environ,
        SERVER_ENV: kind,
        "BRANDKIT_DATABASE_URL": database_url,
        "BRANDKIT_DATA_DIR": data_dir,
        "BRANDKIT_SECRET_KEY": "bench-secret-key-of-32-characters",
        "BRANDKIT_PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        "BRANDKIT_RATE_LIMIT_ENTERPRISE": str(10**9),
        "BRANDKIT_LOG_LEVEL": "WARNING",
        "BRANDKIT_EMBEDDED_WORKER": "false",
        "BRANDKIT_REDIS_URL": "",
    }
    proc = subprocess.Popen([sys.executable, "-m", "bench.variants", str(port)], env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{kind} server did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def serve(kind: str, port: int) -> None:
    import uvicorn

    # Identical uvicorn settings for both: one process, uvloop, httptools, no access log.
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "loop": "uvloop",
        "http": "httptools",
        "access_log": False,
        "log_level": "warning",
    }
    if kind == "brandkit":
        uvicorn.run("brandkit.app:create_app", factory=True, **options)
    else:
        uvicorn.run("bench.variants:reference_app", factory=True, **options)


def post_request(port: int, body: dict[str, Any], token: str | None) -> bytes:
    payload = orjson.dumps(body)
    head = [
        f"POST {PATH} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
    ]
    if token:
        head.append(f"sivi-api-key: {token}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + payload


def load(port: int, request: bytes) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench._loadgen",
            str(port),
            str(CONNECTIONS),
            str(WARMUP_S),
            str(MEASURE_S),
        ],
        input=request,
        capture_output=True,
        check=True,
    )
    result: dict[str, Any] = orjson.loads(out.stdout)
    latencies = sorted(result["latencies_ms"])
    result["rps"] = result["requests"] / result["seconds"]
    result["p50"] = latencies[len(latencies) // 2] if latencies else float("nan")
    result["p99"] = latencies[int(len(latencies) * 0.99)] if latencies else float("nan")
    return result


def depth(port: int, token: str, design_id: str) -> tuple[float, float]:
    """Median latency of page 1 and of page ``DEPTH``, reached by walking the cursor."""
    headers = {"sivi-api-key": token}
    base = {"designId": design_id, "limit": 100}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
        cursor = None
        for _ in range(DEPTH - 1):
            body = client.post(PATH, json={**base, "cursor": cursor}).json()["body"]
            cursor = body["cursor"]
            assert cursor is not None, "the design has fewer pages than the walk needs"

        def timed(request: dict[str, Any]) -> float:
            t0 = time.perf_counter()
            r = client.post(PATH, json=request)
            elapsed = time.perf_counter() - t0
            assert r.status_code == 200, r.text
            assert len(r.json()["body"]["variations"]) == 100
            return elapsed

        for _ in range(50):  # warm both plans and the pool
            client.post(PATH, json=base)
            client.post(PATH, json={**base, "cursor": cursor})
        # Interleaved, so that a change in the machine's speed weighs on both pages alike.
        first, deep = [], []
        for _ in range(DEPTH_SAMPLES):
            first.append(timed(base))
            deep.append(timed({**base, "cursor": cursor}))
        return statistics.median(first) * 1000, statistics.median(deep) * 1000


def main() -> None:
    with throwaway_database() as url, tempfile.TemporaryDirectory() as data_dir:
        engine = make_engine(normalise_database_url(url))
        t0 = time.perf_counter()
        upgrade(engine)
        token, design_id = seed(engine)
        engine.dispose()
        print(f"seeded {VARIANTS:,} variants in {time.perf_counter() - t0:.1f}s")
        body = {"designId": design_id, "limit": 100}
        # Paired rounds, the reference and Brandkit back to back: the machine is shared and its
        # speed drifts, so each pair is compared within itself and the verdict is the median
        # pair, never the luckiest round of one side against an unlucky one of the other.
        pairs: list[dict[str, dict[str, Any]]] = []
        for i in range(ROUNDS):
            pair: dict[str, dict[str, Any]] = {}
            for kind in ("reference", "brandkit") if i % 2 == 0 else ("brandkit", "reference"):
                with server(kind, url, data_dir) as port:
                    auth = token if kind == "brandkit" else None
                    pair[kind] = load(port, post_request(port, body, auth))
            pairs.append(pair)
            ours, ref = pair["brandkit"], pair["reference"]
            print(
                f"  pair {i + 1}: reference {ref['rps']:5.0f} req/s, brandkit {ours['rps']:5.0f}"
                f" req/s = {ours['rps'] / ref['rps']:.0%}"
            )
        with server("brandkit", url, data_dir) as port:
            page1, page_deep = depth(port, token, design_id)
        median_pair = sorted(pairs, key=lambda p: p["brandkit"]["rps"] / p["reference"]["rps"])[
            len(pairs) // 2
        ]
        ours, ref = median_pair["brandkit"], median_pair["reference"]
        share = ours["rps"] / ref["rps"]
        print(
            f"get-design-variants, limit 100, {CONNECTIONS} connections, "
            f"median of {ROUNDS} paired {MEASURE_S:.0f}s rounds:"
        )
        for name, r in (("reference (bare Starlette)", ref), ("brandkit", ours)):
            print(
                f"  {name:28s} {r['rps']:8.0f} req/s   p50 {r['p50']:7.1f} ms"
                f"   p99 {r['p99']:7.1f} ms   errors {r['errors']}"
            )
        verdict = "ok" if share >= TARGET_SHARE else "MISSED"
        print(f"  brandkit / reference = {share:.0%} (target >= {TARGET_SHARE:.0%}) {verdict}")
        ratio = page_deep / page1
        verdict = "ok" if ratio <= TARGET_DEPTH_RATIO else "MISSED"
        print(
            f"page 1: {page1:.2f} ms   page {DEPTH:,}: {page_deep:.2f} ms   "
            f"ratio {ratio:.2f} (target <= {TARGET_DEPTH_RATIO}) {verdict}"
        )


if __name__ == "__main__":
    if os.environ.get(SERVER_ENV):
        serve(os.environ[SERVER_ENV], int(sys.argv[1]))
    else:
        main()
