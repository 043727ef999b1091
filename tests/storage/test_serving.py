"""The local backend's file GETs over real HTTP: HEAD answers like GET without a body, and a
bad or unsatisfiable Range, or a missing file, is refused in the envelope."""

from __future__ import annotations

import json

from tests.storage.conftest import Live

KEY = "media/m_serving.png"
DATA = bytes(range(256)) * 8


def test_head_and_ranges_of_a_served_file(live_local: Live) -> None:
    live_local.storage.put_bytes(KEY, DATA, "image/png")
    url = f"{live_local.url}/files/{KEY}"
    head = live_local.http.head(url)
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(DATA))
    assert head.content == b""
    part = live_local.http.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == DATA[10:20]
    for header, status in [("bytes=5000-6000", 416), ("bytes=junk", 400), ("items=1-2", 400)]:
        r = live_local.http.get(url, headers={"Range": header})
        assert r.status_code == status, (header, r.text)
        body = json.loads(r.text)
        assert body["status"] == status
        assert body["body"]["message"]
    unsatisfiable = live_local.http.get(url, headers={"Range": "bytes=5000-6000"})
    assert unsatisfiable.headers["content-range"] == f"bytes */{len(DATA)}"


def test_missing_files_are_404_for_get_and_head(live_local: Live) -> None:
    for method in ("GET", "HEAD"):
        r = live_local.http.request(method, f"{live_local.url}/files/media/m_none.png")
        assert r.status_code == 404
        if method == "GET":
            assert json.loads(r.text) == {"status": 404, "body": {"message": "File not found"}}
