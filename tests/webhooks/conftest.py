"""A webhook receiver on loopback (a small real HTTP server), and the API over real HTTP with its
embedded worker, allowed to deliver to loopback (``webhook_allow_private``) and retrying fast."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine

from brandkit.config import Settings
from tests.storage.conftest import Live, live_app


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Receiver:
    """Records every POST. ``fail_first`` answers 500 to the first n attempts of each message;
    ``answer`` may override the status of any attempt."""

    url: str
    fail_first: int = 0
    answer: Callable[[Delivery, int], int] | None = None
    received: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            seen = sum(1 for d in self.received if d.id == headers.get("webhook-id"))
            status = 500 if seen < self.fail_first else 200
            delivery = Delivery(headers, body, status)
            if self.answer is not None:
                delivery.answered = status = self.answer(delivery, seen)
            self.received.append(delivery)
            return status

    def accepted(self) -> list[Delivery]:
        """What a receiver deduplicating by webhook-id keeps: each message's first 2xx."""
        with self.lock:
            kept: dict[str, Delivery] = {}
            for d in self.received:
                if 200 <= d.answered < 300 and d.id not in kept:
                    kept[d.id] = d
            return list(kept.values())

    def wait_for(self, predicate: Callable[[list[Delivery]], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.accepted()):
            assert time.monotonic() < deadline, f"received {[d.json for d in self.received]}"
            time.sleep(0.05)


@contextmanager
def receiving(path: str = "/hook") -> Iterator[Receiver]:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status = holder["r"].handle(headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["r"] = Receiver(f"http://127.0.0.1:{server.server_address[1]}{path}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder["r"]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


HOOK_SETTINGS: dict[str, Any] = {
    "embedded_worker": True,
    "worker_poll_seconds": 0.1,
    "fetch_allow_private": True,
    "webhook_allow_private": True,
    "webhook_retry_seconds": [0.2],
    "webhook_timeout_seconds": 5.0,
}


@pytest.fixture
def hooks(settings: Settings, engine: Engine) -> Iterator[Live]:
    """The API over real HTTP delivering webhooks with its embedded worker."""
    yield from live_app(settings, engine, "local", None, **HOOK_SETTINGS)
