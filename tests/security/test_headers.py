"""Served files can never be run as something else: no sniffing, and SVG sandboxed."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect/></svg>'


def _serve(app: FastAPI, key: str, data: bytes, content_type: str) -> str:
    storage = app.state.storage
    storage.put_bytes(key, data, content_type)
    return str(urlsplit(storage.public_url(key)).path)


def test_svg_is_served_with_nosniff_and_a_restrictive_csp(app: FastAPI, client: TestClient) -> None:
    path = _serve(app, "media/t/logo.svg", SVG, "image/svg+xml")
    r = client.get(path)
    assert r.status_code == 200
    assert r.content == SVG
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.headers.get_list("x-content-type-options") == ["nosniff"]
    csp = r.headers["content-security-policy"]
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";")}
    assert directives["default-src"] == "default-src 'none'"
    assert "sandbox" in directives
    assert "script-src" not in directives


def test_raster_files_are_served_with_nosniff(app: FastAPI, client: TestClient) -> None:
    path = _serve(app, "media/t/p.png", b"\x89PNG\r\n\x1a\n", "image/png")
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers.get_list("x-content-type-options") == ["nosniff"]


def test_every_response_says_nosniff(client: TestClient) -> None:
    for method, path in [("GET", "/healthz"), ("POST", "/media/get"), ("GET", "/nope")]:
        r = client.request(method, path, json={} if method == "POST" else None)
        assert r.headers.get_list("x-content-type-options") == ["nosniff"], path
