"""brand/extract against pages served on loopback (the setting that allows private addresses
is on, as for an operator's own network): name, description, logo, colours and fonts found; a
page over the size limit or too slow fails with a reason."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.exports.helpers import worker
from tests.factories import Factory

PAGE = b"""<!doctype html><html><head>
<title>Acme Roasters | Coffee from the hills</title>
<meta property="og:site_name" content="Acme Roasters">
<meta name="description" content="Small-batch coffee, roasted every morning.">
<meta name="theme-color" content="#5662EC">
<link rel="icon" href="/favicon-32.png" sizes="32x32">
<link rel="apple-touch-icon" href="/touch.png">
<link rel="stylesheet" href="/site.css">
<link rel="stylesheet" href="https://cdn.elsewhere.example/x.css">
<style>h1 { font-family: "Fjalla One", sans-serif; color: #EF9AB2 }</style>
</head><body style="background: rgb(255, 255, 255)"><h1>Acme</h1></body></html>"""
CSS = b"body { font-family: 'Lato', Arial, sans-serif; color: #222222 } .b { color: #ef9ab2 }"


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, str, float]] = {
            "/": (PAGE, "text/html", 0),
            "/site.css": (CSS, "text/css", 0),
            "/big": (b"<html>" + b"x" * (3 * 1024 * 1024) + b"</html>", "text/html", 0),
            "/slow": (PAGE, "text/html", 3.0),
        }
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                data, kind, delay = routes.get(self.path, (b"", "text/plain", 0))
                try:
                    self.send_response(200 if data else 404)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if delay:
                        time.sleep(delay)
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.server.shutdown()
    s.server.server_close()


def _extract(client: TestClient, app: FastAPI, headers: dict[str, str], url: str) -> Any:
    r = client.post("/extract-brand", json={"brandUrl": url}, headers=headers)
    assert r.status_code == 200, r.text
    w = worker(app, fetch_allow_private=True, extract_timeout_seconds=1.5)
    while w.run_once():
        pass
    status = client.post("/get-request-status", json=r.json()["body"], headers=headers)
    return status.json()["body"]


def test_a_site_gives_its_brand(
    client: TestClient, app: FastAPI, factory: Factory, site: Site
) -> None:
    t = factory.tenant()
    done = _extract(client, app, t.headers, site.url + "/")
    assert done["status"] == "completed", done
    details = done["result"]["brandDetails"]
    assert details["brandName"] == "Acme Roasters"
    assert details["brandDescription"] == "Small-batch coffee, roasted every morning."
    assert details["brandUrl"] == site.url + "/"
    assert details["brandLogo"] == site.url + "/touch.png"
    assert details["brandColors"][:2] == ["#5662EC", "#EF9AB2"]
    assert "#222222" not in details["brandColors"]
    assert set(details["brandFonts"]) >= {"Fjalla One", "Lato"}
    # The enterprise form names the field url.
    r = client.post(
        "/api/prod/v2/enterprise/extract-brand",
        json={"url": site.url + "/", "abstractUserId": "admin"},
        headers=t.headers,
    )
    assert r.status_code == 200


def test_pages_too_large_or_too_slow_fail_with_a_reason(
    client: TestClient, app: FastAPI, factory: Factory, site: Site
) -> None:
    t = factory.tenant()
    big = _extract(client, app, t.headers, site.url + "/big")
    assert big["status"] == "failed"
    assert "larger than" in big["reason"]
    slow = _extract(client, app, t.headers, site.url + "/slow")
    assert slow["status"] == "failed"
    assert "could not be read" in slow["reason"]
    missing = _extract(client, app, t.headers, site.url + "/nothing")
    assert "404" in missing["reason"]
    r = client.post("/brand/extract", json={"brandUrl": "ftp://x"}, headers=t.headers)
    assert r.status_code == 422
