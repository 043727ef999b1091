"""media/create {url}: the server-side fetch refuses private addresses, before and after redirects,
and bounds size; a public file is fetched, checked and stored."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from brandkit.kit.errors import InvalidInput, PayloadTooLarge
from brandkit.kit.fetch import NOT_PUBLIC, IPAddress, UrlFetcher, public_address
from tests.factories import Factory
from tests.storage.samples import image_bytes


class _Handler(BaseHTTPRequestHandler):
    hosts: list[str] = []

    def do_GET(self) -> None:
        self.hosts.append(self.headers.get("Host", ""))
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.path.split("to=", 1)[1])
            self.end_headers()
            return
        body = image_bytes("png") if self.path == "/ok.png" else b"\0" * 4096
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()
    server.server_close()


def loopback_only(ip: IPAddress) -> bool:
    # Stands in for "public" in tests: the test origin is the only reachable server.
    return ip == ipaddress.ip_address("127.0.0.1")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.png",
        "http://10.0.0.1/a.png",
        "http://localhost:8000/a.png",
        "http://[::1]/a.png",
        "http://[::ffff:10.0.0.1]/a.png",
        "http://169.254.169.254/latest/meta-data",
        "http://0.0.0.0/a.png",
        "ftp://example.com/a.png",
        "file:///etc/passwd",
    ],
)
def test_private_and_non_http_urls_are_refused_and_nothing_stored(
    client: TestClient, factory: Factory, url: str
) -> None:
    t = factory.tenant()
    r = client.post("/media/create", json={"type": "photo", "url": url}, headers=t.headers)
    assert r.status_code == 422
    assert r.json()["body"]["message"] == NOT_PUBLIC
    assert client.post("/media/get", json={}, headers=t.headers).json()["body"]["media"] == []


def test_files_dir_stays_empty_after_refusals(
    client: TestClient, factory: Factory, tmp_path: Path
) -> None:
    t = factory.tenant()
    for url in ("http://127.0.0.1:9/a.png", "http://10.0.0.1/a.png"):
        client.post("/media/create", json={"type": "photo", "url": url}, headers=t.headers)
    files = tmp_path / "data" / "files"
    assert not files.exists() or not any(p.is_file() for p in files.rglob("*"))


def test_public_address_policy() -> None:
    assert public_address(ipaddress.ip_address("93.184.216.34"))
    for private in ("10.0.0.1", "172.16.0.1", "192.168.1.1", "127.0.0.1", "100.64.0.1", "::1"):
        assert not public_address(ipaddress.ip_address(private)), private
    assert not public_address(ipaddress.ip_address("224.0.0.1"))
    assert not public_address(ipaddress.ip_address("fe80::1"))
    assert not public_address(ipaddress.ip_address("::ffff:192.168.0.1"))


def test_a_fetched_image_is_stored_and_served(
    app: FastAPI, client: TestClient, factory: Factory, origin: str
) -> None:
    app.state.url_fetcher = UrlFetcher(1 << 20, 5, allow=loopback_only)
    t = factory.tenant()
    r = client.post(
        "/media/create", json={"type": "photo", "url": origin + "/ok.png"}, headers=t.headers
    )
    assert r.status_code == 200, r.text
    assert client.get(r.json()["body"]["media"]["url"]).content == image_bytes("png")
    # Not an image: refused, nothing stored.
    r = client.post(
        "/media/create", json={"type": "photo", "url": origin + "/blob"}, headers=t.headers
    )
    assert r.status_code == 422
    assert len(client.post("/media/get", json={}, headers=t.headers).json()["body"]["media"]) == 1


def test_redirects_are_followed_and_each_hop_is_checked(origin: str) -> None:
    fetcher = UrlFetcher(1 << 20, 5, allow=loopback_only)
    assert fetcher.fetch(f"{origin}/redirect?to={origin}/ok.png").data == image_bytes("png")
    with pytest.raises(InvalidInput) as refused:
        fetcher.fetch(f"{origin}/redirect?to=http://10.0.0.1/ok.png")
    assert refused.value.message == NOT_PUBLIC
    with pytest.raises(InvalidInput):
        fetcher.fetch(f"{origin}/redirect?to=http://127.0.0.2:1/ok.png")


def test_the_checked_address_is_the_one_connected_to(origin: str) -> None:
    port = origin.rsplit(":", 1)[1]
    calls: list[str] = []

    def resolver(host: str, _port: int) -> list[str]:
        calls.append(host)
        # A rebinding resolver would answer differently the second time; we ask only once.
        return ["127.0.0.1"] if len(calls) == 1 else ["10.0.0.1"]

    _Handler.hosts.clear()
    fetcher = UrlFetcher(1 << 20, 5, allow=loopback_only, resolver=resolver)
    assert fetcher.fetch(f"http://images.example:{port}/ok.png").data == image_bytes("png")
    assert calls == ["images.example"]
    assert _Handler.hosts == [f"images.example:{port}"]


def test_size_limit_stops_the_download(origin: str) -> None:
    with pytest.raises(PayloadTooLarge):
        UrlFetcher(1000, 5, allow=loopback_only).fetch(origin + "/blob")


def test_a_host_that_resolves_to_both_public_and_private_is_refused() -> None:
    fetcher = UrlFetcher(1000, 5, resolver=lambda _h, _p: ["93.184.216.34", "10.0.0.1"])
    with pytest.raises(InvalidInput):
        fetcher.fetch("http://mixed.example/a.png")
