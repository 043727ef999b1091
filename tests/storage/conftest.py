"""The API under uvicorn on a loopback port, over either storage backend (S3 = moto over HTTP)."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from brandkit.app import create_app
from brandkit.config import Settings
from brandkit.storage.base import Storage
from tests.factories import Tenant
from tests.storage.s3guard import GuardedMotoServer

SMALL_LIMIT = 64 * 1024


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    server = GuardedMotoServer()
    server.start()
    yield server.url
    server.stop()


@dataclass
class Live:
    url: str
    app: FastAPI
    settings: Settings
    http: httpx.Client

    @property
    def storage(self) -> Storage:
        storage: Storage = self.app.state.storage
        return storage

    def call(self, path: str, body: dict[str, Any], tenant: Tenant) -> httpx.Response:
        return self.http.post(path, json=body, headers=tenant.headers)

    def presign(self, tenant: Tenant, **body: Any) -> dict[str, Any]:
        r = self.call("/files/get-presigned-url", body, tenant)
        assert r.status_code == 200, r.text
        grant: dict[str, Any] = r.json()["body"]
        return grant

    def put(self, grant: dict[str, Any], data: bytes, **headers: str) -> httpx.Response:
        return self.http.put(
            grant["uploadUrl"], content=data, headers={**grant["headers"], **headers}
        )

    def upload(self, tenant: Tenant, data: bytes, **body: Any) -> dict[str, Any]:
        grant = self.presign(tenant, **body)
        r = self.put(grant, data)
        assert r.status_code == 200, r.text
        return grant


def live_app(
    settings: Settings, engine: Engine, backend: str, moto_url: str | None, **overrides: Any
) -> Iterator[Live]:
    # Bound before the app is made: the app must know its own public URL.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    update: dict[str, Any] = {"public_base_url": base, "storage_backend": backend, **overrides}
    if backend == "s3":
        assert moto_url is not None
        bucket = f"bk-{uuid.uuid4().hex[:12]}"
        update |= {
            "s3_endpoint_url": moto_url,
            "s3_bucket": bucket,
            "s3_access_key_id": "testing",
            "s3_secret_access_key": "testing",
        }
        boto3.client(
            "s3",
            endpoint_url=moto_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).create_bucket(Bucket=bucket)
    live_settings = settings.model_copy(update=update)
    app = create_app(live_settings, engine=engine)
    config = uvicorn.Config(app, log_level="warning", ws="none", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive(), "uvicorn exited"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            yield Live(base, app, live_settings, http)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(params=["local", "s3"])
def live(request: pytest.FixtureRequest, settings: Settings, engine: Engine) -> Iterator[Live]:
    """The API over real HTTP, with small upload limits so oversize cases stay small."""
    moto = request.getfixturevalue("moto_url") if request.param == "s3" else None
    yield from live_app(
        settings,
        engine,
        request.param,
        moto,
        upload_max_bytes=SMALL_LIMIT,
        font_max_bytes=SMALL_LIMIT,
    )


@pytest.fixture
def live_local(settings: Settings, engine: Engine) -> Iterator[Live]:
    """The local backend over real HTTP with a limit large enough for a 100 MB body."""
    yield from live_app(settings, engine, "local", None, upload_max_bytes=200 * 1024 * 1024)
