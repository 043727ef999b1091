"""Generation over real HTTP: the API under uvicorn with its embedded worker, and a small asset
server on loopback (the guarded fetcher is told to allow private addresses, as a closed network
would)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw
from sqlalchemy import Engine

from brandkit.config import Settings
from tests.factories import Tenant
from tests.storage.conftest import Live, live_app


def photo_bytes(size: tuple[int, int] = (900, 600), fmt: str = "JPEG") -> bytes:
    image = Image.new("RGB", size, "#5b8fd1")
    draw = ImageDraw.Draw(image)
    w, h = size
    for i in range(8):
        draw.ellipse(
            (i * w // 8, (i * 37) % h, i * w // 8 + w // 3, (i * 37) % h + h // 3),
            fill=(40 + i * 25, 180 - i * 12, 90 + i * 15),
        )
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def logo_bytes() -> bytes:
    image = Image.new("RGBA", (240, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).rounded_rectangle((4, 4, 236, 76), 24, fill="#e4572e")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class AssetServer:
    """Serves fixed files on loopback; ``slow`` paths answer after a delay."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {
            "/photo.jpg": (photo_bytes(), "image/jpeg"),
            "/logo.png": (logo_bytes(), "image/png"),
        }
        files = self.files

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                found = files.get(self.path)
                if found is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                data, content_type = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def assets() -> Iterator[AssetServer]:
    server = AssetServer()
    yield server
    server.close()


@pytest.fixture
def gen(settings: Settings, engine: Engine) -> Iterator[Live]:
    """The API over real HTTP, rendering with its embedded worker."""
    yield from live_app(
        settings,
        engine,
        "local",
        None,
        embedded_worker=True,
        worker_poll_seconds=0.2,
        fetch_allow_private=True,
    )


def wait_done(live: Live, tenant: Tenant, request_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = live.http.get(
            "/api/prod/v2/general/get-request-status",
            params={"queryParams": f'{{"requestId": "{request_id}"}}'},
            headers=tenant.headers,
        )
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()["body"]
        if body["status"] in ("completed", "failed"):
            return body
        assert time.monotonic() < deadline, f"request still {body['status']}"
        time.sleep(0.1)


def fetch_image(http: httpx.Client, url: str) -> Image.Image:
    r = http.get(url)
    assert r.status_code == 200, url
    image = Image.open(io.BytesIO(r.content))
    image.load()
    return image
