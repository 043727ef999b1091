"""get-design-variants under load, beside a bare Starlette endpoint running the same query.

    .venv/bin/python -m bench.variants

Builds a throwaway PostgreSQL database (``BRANDKIT_BENCH_POSTGRES_URL``, default the local
server) with one design of 101,000 variants, then, in the same run and with the same engine, pool
and uvicorn settings:

1. serves page 1 (limit 100) from Brandkit and from the reference, each in its own process, under
   64 keep-alive connections driven by ``bench._loadgen`` in another process, in nine rounds that
   each run both back to back, and prints every round's share and the req/s and p99 of the
   median round. Target: Brandkit >= 150% of the reference's req/s.
2. walks the cursor to page 1,000 and prints the latency of page 1 and page 1,000 (sequential
   requests, median). Target: page 1,000 within 1.5x of page 1.
3. growth: adds older variants to the same design until it holds 5,000,000 (generated in SQL),
   vacuums and analyses, walks the cursor to page 10,000 and prints page 1 against page 10,000
   the same way. Target: within 1.5x.

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
from brandkit.designs.models import ContentSnippet, Design
from brandkit.designs.repository import VARIANT_COLUMNS
from brandkit.designs.service import EXPORT_CAPS, VariantLinks
from brandkit.kit.ids import media_id, new_uuid, short_id
from brandkit.kit.timeparse import from_unix, to_unix
from brandkit.media.models import Media
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
MEDIA_PATH = "/media/get"
EXPORT_PATH = "/api/prod/v2/enterprise/export-data"
MEDIA_ROWS = 2_000
CONTENT_ROWS = 2_000
LIST_ROUNDS = 5
TARGET_SHARE = 1.50
TARGET_DEPTH_RATIO = 1.5
GROWN_VARIANTS = 5_000_000
GROWN_DEPTH = 10_000
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

    return Starlette(
        routes=[
            Route(PATH, endpoint, methods=["POST"]),
            *reference_lists(engine, links),
        ]
    )


def reference_lists(engine: Engine, links: VariantLinks) -> list[Route]:
    """media/get and export-data the same way: their queries, their rows rendered in Python."""
    from brandkit.designs.models import ContentSnippet, Variant
    from brandkit.kit.timeparse import to_unix
    from brandkit.media.models import Media
    from brandkit.media.repository import DEFAULT_META

    storage = links.storage
    media_query = (
        select(
            Media.id,
            Media.brand_id,
            Media.media_type,
            Media.sub_type,
            Media.system,
            Media.storage_key,
            Media.created_at,
            Media.meta,
        )
        .where(
            Media.deleted_at.is_(None),
            Media.system == "USER",
            Media.account_id == bindparam("account_id"),
            Media.user_id == bindparam("user_id"),
        )
        .order_by(Media.created_at.desc(), Media.id.desc())
        .limit(bindparam("limit"))
    )

    def window(query: Any, column: Any) -> Any:
        return query.where(column.between(bindparam("start"), bindparam("end")))

    export_queries = {
        "variants": window(
            select(*VARIANT_COLUMNS).where(Variant.user_id == bindparam("user_id")),
            Variant.created_at,
        ).order_by(Variant.created_at.desc(), Variant.id.desc()),
        "media": window(
            select(Media.id, Media.storage_key, Media.media_type, Media.created_at).where(
                Media.user_id == bindparam("user_id"),
                Media.system == "USER",
                Media.deleted_at.is_(None),
            ),
            Media.created_at,
        ).order_by(Media.created_at.desc(), Media.id.desc()),
        "content": window(
            select(
                ContentSnippet.id,
                ContentSnippet.title,
                ContentSnippet.subtitle,
                ContentSnippet.bulletlist,
                ContentSnippet.created_at,
            ).where(ContentSnippet.user_id == bindparam("user_id")),
            ContentSnippet.created_at,
        ).order_by(ContentSnippet.created_at.desc(), ContentSnippet.id.desc()),
    }
    renders: dict[str, Any] = {
        "variants": links.render,
        "media": lambda r: {"url": storage.public_url(r.storage_key), "type": r.media_type},
        "content": lambda r: {
            "title": r.title,
            "subtitle": r.subtitle,
            "bulletlist": list(r.bulletlist),
        },
    }

    def media_page(body: dict[str, Any]) -> bytes:
        limit = int(body.get("limit", 10))
        with engine.connect() as conn:
            rows = conn.execute(
                media_query,
                {"account_id": body["accountId"], "user_id": body["userId"], "limit": limit + 1},
            ).all()
        media = [
            {
                "mId": r.id,
                "bId": r.brand_id,
                "type": r.media_type,
                "subType": r.sub_type,
                "system": r.system,
                "url": storage.public_url(r.storage_key),
                "createdOn": to_unix(r.created_at),
                "meta": {**DEFAULT_META, **(r.meta or {})},
            }
            for r in rows[:limit]
        ]
        return orjson.dumps({"status": 200, "body": {"media": media, "cursor": None}})

    def export_page(body: dict[str, Any]) -> bytes:
        params = {
            "user_id": body["userId"],
            "start": from_unix(body["startDate"], "startDate"),
            "end": from_unix(body["endDate"], "endDate"),
        }
        out: dict[str, Any] = {}
        with engine.connect() as conn:
            for kind, query in export_queries.items():
                cap = EXPORT_CAPS[kind]
                rows = conn.execute(query.limit(cap + 1), params).all()
                out[kind] = [renders[kind](r) for r in rows[:cap]]
        out["next"] = 1
        return orjson.dumps({"status": 200, "body": out})

    def route(path: str, work: Any) -> Route:
        async def endpoint(request: Request) -> Response:
            body = orjson.loads(await request.body())
            return Response(await run_in_threadpool(work, body), media_type="application/json")

        return Route(path, endpoint, methods=["POST"])

    return [route(MEDIA_PATH, media_page), route(EXPORT_PATH, export_page)]


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


def seed(engine: Engine) -> tuple[str, str, str, str]:
    """An account, an enterprise key and one design with ``VARIANTS`` variants (COPY), and its
    user's ``MEDIA_ROWS`` media and ``CONTENT_ROWS`` content snippets; the key's token, the
    design, account and user ids."""
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
    with transaction(make_sessionmaker(engine), write=True) as s:
        for i in range(MEDIA_ROWS):
            mid = media_id()
            s.add(
                Media(
                    id=mid,
                    account_id=account.id,
                    user_id=user.id,
                    workspace_id=None,
                    brand_id=None,
                    media_type="photo",
                    sub_type="photograph",
                    system="USER",
                    storage_key=f"media/{mid}.jpeg",
                    file_name="photo.jpeg",
                    content_type="image/jpeg",
                    meta={"hueRotations": [i % 360], "note": f"photo {i}"},
                    created_at=start + timedelta(seconds=i * 7),
                )
            )
        for i in range(CONTENT_ROWS):
            s.add(
                ContentSnippet(
                    id=new_uuid(),
                    account_id=account.id,
                    user_id=user.id,
                    workspace_id=workspace.id,
                    title=f"Spring sale {i}",
                    subtitle="Everything must go",
                    bulletlist=["Free delivery", "30 days to return", f"code SALE{i}"],
                    created_at=start + timedelta(seconds=i * 11),
                )
            )
    return issued.token, design.id, account.id, user.id


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


def post_request(port: int, body: dict[str, Any], token: str | None, path: str = PATH) -> bytes:
    payload = orjson.dumps(body)
    head = [
        f"POST {path} HTTP/1.1",
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


def grow(url: str, design_id: str) -> float:
    """Older variants of the same design, made in SQL, up to ``GROWN_VARIANTS``; the seconds
    it took. Page 1 stays what it was; deep pages reach rows the first seeding never had."""
    engine = create_engine(normalise_database_url(url))
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO variants (id, account_id, design_id, user_id, workspace_id,"
                " variant_type, storage_key, width, height, meta, created_at)"
                " SELECT 'g' || lpad(to_hex(i), 10, '0'), v.account_id, v.design_id,"
                " v.user_id, v.workspace_id, v.variant_type,"
                " 'variants/grown/' || i || '.jpg', 1080, 1080, '{}',"
                " v.created_at - make_interval(secs => i)"
                " FROM generate_series(1, :n) AS i,"
                " (SELECT * FROM variants WHERE design_id = :design"
                "  ORDER BY created_at LIMIT 1) AS v"
            ),
            {"n": GROWN_VARIANTS - VARIANTS, "design": design_id},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE variants"))
    engine.dispose()
    return time.perf_counter() - t0


def depth(port: int, token: str, design_id: str, pages: int = DEPTH) -> tuple[float, float]:
    """Median latency of page 1 and of page ``pages``, reached by walking the cursor."""
    headers = {"sivi-api-key": token}
    base = {"designId": design_id, "limit": 100}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
        cursor = None
        for _ in range(pages - 1):
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


def paired(
    name: str,
    url: str,
    data_dir: str,
    requests: dict[str, tuple[str, dict[str, Any]]],
    token: str,
    rounds: int,
) -> None:
    """``rounds`` pairs, the reference and Brandkit back to back: the machine is shared and its
    speed drifts, so each pair is compared within itself and the verdict is the median pair,
    never the luckiest round of one side against an unlucky one of the other."""
    pairs: list[dict[str, dict[str, Any]]] = []
    for i in range(rounds):
        pair: dict[str, dict[str, Any]] = {}
        for kind in ("reference", "brandkit") if i % 2 == 0 else ("brandkit", "reference"):
            path, body = requests[kind]
            with server(kind, url, data_dir) as port:
                auth = token if kind == "brandkit" else None
                pair[kind] = load(port, post_request(port, body, auth, path))
        pairs.append(pair)
        ours, ref = pair["brandkit"], pair["reference"]
        print(
            f"  pair {i + 1}: reference {ref['rps']:5.0f} req/s, brandkit {ours['rps']:5.0f}"
            f" req/s = {ours['rps'] / ref['rps']:.0%}"
        )
    median_pair = sorted(pairs, key=lambda p: p["brandkit"]["rps"] / p["reference"]["rps"])[
        len(pairs) // 2
    ]
    ours, ref = median_pair["brandkit"], median_pair["reference"]
    share = ours["rps"] / ref["rps"]
    print(f"{name}, {CONNECTIONS} connections, median of {rounds} paired {MEASURE_S:.0f}s rounds:")
    for label, r in (("reference (bare Starlette)", ref), ("brandkit", ours)):
        print(
            f"  {label:28s} {r['rps']:8.0f} req/s   p50 {r['p50']:7.1f} ms"
            f"   p99 {r['p99']:7.1f} ms   errors {r['errors']}"
        )
    verdict = "ok" if share >= TARGET_SHARE else "MISSED"
    print(f"  brandkit / reference = {share:.0%} (target >= {TARGET_SHARE:.0%}) {verdict}")


def main() -> None:
    with throwaway_database() as url, tempfile.TemporaryDirectory() as data_dir:
        engine = make_engine(normalise_database_url(url))
        t0 = time.perf_counter()
        upgrade(engine)
        token, design_id, account_id, user_id = seed(engine)
        engine.dispose()
        print(f"seeded {VARIANTS:,} variants in {time.perf_counter() - t0:.1f}s")
        body = {"designId": design_id, "limit": 100}
        paired(
            "get-design-variants, limit 100",
            url,
            data_dir,
            {"brandkit": (PATH, body), "reference": (PATH, body)},
            token,
            ROUNDS,
        )
        media = {"limit": 50}
        paired(
            "media/get, limit 50",
            url,
            data_dir,
            {
                "brandkit": (MEDIA_PATH, media),
                "reference": (MEDIA_PATH, {**media, "accountId": account_id, "userId": user_id}),
            },
            token,
            LIST_ROUNDS,
        )
        now = to_unix(utcnow())
        export = {"abstractUserId": "admin", "startDate": now - 80 * 86400, "endDate": now}
        paired(
            "export-data, 300 variants, 300 media, 100 content",
            url,
            data_dir,
            {
                "brandkit": (EXPORT_PATH, export),
                "reference": (EXPORT_PATH, {**export, "userId": user_id}),
            },
            token,
            LIST_ROUNDS,
        )
        with server("brandkit", url, data_dir) as port:
            page1, page_deep = depth(port, token, design_id)
        ratio = page_deep / page1
        verdict = "ok" if ratio <= TARGET_DEPTH_RATIO else "MISSED"
        print(
            f"page 1: {page1:.2f} ms   page {DEPTH:,}: {page_deep:.2f} ms   "
            f"ratio {ratio:.2f} (target <= {TARGET_DEPTH_RATIO}) {verdict}"
        )
        seconds = grow(url, design_id)
        print(f"grew the design to {GROWN_VARIANTS:,} variants in {seconds:.0f}s")
        with server("brandkit", url, data_dir) as port:
            page1, page_deep = depth(port, token, design_id, GROWN_DEPTH)
        ratio = page_deep / page1
        verdict = "ok" if ratio <= TARGET_DEPTH_RATIO else "MISSED"
        print(
            f"{GROWN_VARIANTS:,} variants: page 1: {page1:.2f} ms   page {GROWN_DEPTH:,}:"
            f" {page_deep:.2f} ms   ratio {ratio:.2f} (target <= {TARGET_DEPTH_RATIO}) {verdict}"
        )


if __name__ == "__main__":
    if os.environ.get(SERVER_ENV):
        serve(os.environ[SERVER_ENV], int(sys.argv[1]))
    else:
        main()
