"""Load: a real server process under a mixed scenario of concurrent clients.

The mix is listing (get-design-variants, media/get), export-data, presign + upload + register, and
export creation, each only where the live server serves the route. CI form: 20 s at 16 users,
once, on PostgreSQL when the run has it; the ``soak`` form (deselected by default, ``make soak``
selects it): 5 minutes at 64 users. Holds: no error other than a 429, the server's memory flat
after warm-up; prints p50/p99 latency per route.
"""

from __future__ import annotations

import asyncio
import io
import random
import shutil
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from PIL import Image
from sqlalchemy import Engine

from brandkit.config import Settings
from brandkit.db import make_engine, make_sessionmaker, utcnow
from tests.conftest import POSTGRES_URL
from tests.factories import Factory, Tenant
from tests.faults.conftest import fresh_postgres_database
from tests.faults.live import live_server

ALL_SCOPES = ["export:read", "export:write", "contacts:write", "activities:write"]
# RSS may grow this much between the end of warm-up and the end of the run (caches, arenas).
RSS_SLACK_BYTES = 40 * 1024 * 1024


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    limited: int = 0

    def record(self, route: str, started: float, r: httpx.Response) -> httpx.Response:
        self.latencies[route].append(time.perf_counter() - started)
        if r.status_code == 429:
            self.limited += 1
        elif r.status_code >= 400:
            self.errors.append(f"{route}: {r.status_code} {r.text[:200]}")
        return r

    def report(self) -> str:
        lines = [f"{'route':<36}{'n':>7}{'p50 ms':>9}{'p99 ms':>9}"]
        for route, values in sorted(self.latencies.items()):
            q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
            lines.append(f"{route:<36}{len(values):>7}{q[49] * 1e3:>9.1f}{q[98] * 1e3:>9.1f}")
        lines.append(f"429s: {self.limited}, errors: {len(self.errors)}")
        return "\n".join(lines)


Step = Callable[[httpx.AsyncClient, Results], Awaitable[None]]


def _scenario(paths: set[str], tenant: Tenant, design_id: str) -> list[Step]:
    h = tenant.headers
    now = int(time.time())
    jpeg = _jpeg()

    async def call(c: httpx.AsyncClient, res: Results, route: str, body: Any) -> httpx.Response:
        t = time.perf_counter()
        return res.record(route, t, await c.post(route, json=body, headers=h))

    async def variants(c: httpx.AsyncClient, res: Results) -> None:
        await call(c, res, "/enterprise/get-design-variants", {"designId": design_id, "limit": 50})

    async def media(c: httpx.AsyncClient, res: Results) -> None:
        await call(c, res, "/media/get", {"limit": 20})

    async def export_data(c: httpx.AsyncClient, res: Results) -> None:
        window = {"startDate": now - 30 * 86400, "endDate": now}
        await call(c, res, "/enterprise/export-data", {"abstractUserId": "admin", **window})

    async def upload(c: httpx.AsyncClient, res: Results) -> None:
        r = await call(c, res, "/files/get-presigned-url", {"type": "photo", "extension": "jpeg"})
        if r.status_code != 200:
            return
        presigned = r.json()["body"]
        t = time.perf_counter()
        put = await c.put(presigned["uploadUrl"], content=jpeg, headers=presigned["headers"])
        res.record("PUT upload", t, put)
        if put.status_code == 200 and "/media/create" in paths:
            await call(
                c, res, "/media/create", {"type": "photo", "uploadUrl": presigned["uploadUrl"]}
            )

    async def create_export(c: httpx.AsyncClient, res: Results) -> None:
        t = time.perf_counter()
        r = await c.post(
            "/exports/",
            json={"exportType": "contacts", "delimiter": ",", "dateFormat": "ISO"},
            headers={"Authorization": f"apiKey {tenant.token}"},
        )
        res.record("/exports/", t, r)

    steps: list[Step] = [variants, variants, media, media, export_data]
    if "/files/get-presigned-url" in paths:
        steps.append(upload)
    if "/exports/" in paths:
        steps.append(create_export)
    return steps


async def _user(base_url: str, steps: list[Step], res: Results, until: float, seed: int) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as c:
        while time.monotonic() < until:
            try:
                await rng.choice(steps)(c, res)
            except httpx.TransportError as exc:
                res.errors.append(f"transport: {exc!r}")


async def _run(base_url: str, steps: list[Step], users: int, seconds: float, pid: int) -> Any:
    res = Results()
    proc = psutil.Process(pid)
    start = time.monotonic()
    until = start + seconds
    tasks = [asyncio.create_task(_user(base_url, steps, res, until, n)) for n in range(users)]
    samples: list[tuple[float, int]] = []
    while any(not t.done() for t in tasks):
        samples.append((time.monotonic() - start, proc.memory_info().rss))
        await asyncio.sleep(1)
    await asyncio.gather(*tasks)
    samples.append((time.monotonic() - start, proc.memory_info().rss))
    return res, samples


def _seed(engine: Engine, settings: Settings) -> tuple[Tenant, str]:
    factory = Factory(make_sessionmaker(engine), settings)
    tenant = factory.tenant(scopes=ALL_SCOPES)
    design = factory.design(tenant.user)
    factory.variants(design, 200, start=utcnow() - timedelta(days=2), step=timedelta(seconds=30))
    factory.media(tenant.user, 100, start=utcnow() - timedelta(days=2), step=timedelta(minutes=1))
    factory.content(tenant.user, 50, start=utcnow() - timedelta(days=1))
    return tenant, design.id


def _load(database_url: str, tmp_path: Path, users: int, seconds: float) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url=database_url)
    engine = make_engine(settings.effective_database_url, pool_size=2)
    tenant, design_id = _seed(engine, settings)
    engine.dispose()
    with live_server(
        database_url,
        tmp_path / "data",
        rate_limit_enterprise=str(10**6),
        rate_limit_export=str(10**6),
    ) as server:
        paths = set(httpx.get(server.base_url + "/openapi.json").json()["paths"])
        steps = _scenario(paths, tenant, design_id)
        res, samples = asyncio.run(_run(server.base_url, steps, users, seconds, server.pid))
        log = server.log()
    print(f"\n{users} users for {seconds:.0f} s\n" + res.report())
    print(
        "RSS MB over time:",
        [(round(t), rss // 2**20) for t, rss in samples[:: max(1, len(samples) // 10)]],
    )
    assert not res.errors, "\n".join(res.errors[:20]) + "\n" + log[-3000:]
    assert sum(len(v) for v in res.latencies.values()) > users * 5, "the load never got going"
    warm = [rss for t, rss in samples if t >= seconds / 3]
    assert max(warm) - warm[0] < RSS_SLACK_BYTES, f"server memory grew: {samples}"


@pytest.fixture
def load_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """PostgreSQL when the run has it (the production database), else SQLite: one form, once."""
    if POSTGRES_URL:
        yield from fresh_postgres_database(request)
    else:
        path = tmp_path / "load.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"


def test_mixed_load(load_database_url: str, tmp_path: Path) -> None:
    _load(load_database_url, tmp_path, users=16, seconds=20)


@pytest.mark.soak
def test_mixed_load_soak(load_database_url: str, tmp_path: Path) -> None:
    _load(load_database_url, tmp_path, users=64, seconds=300)
