"""The console's media library: the presigned upload as the page's script makes it (presign,
PUT to storage, register), each call needing the session and its CSRF header; listing and
delete; and the upload driven in a real browser, then read back through media/get."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from tests.browsers import serious_violations
from tests.console.conftest import OUTPUT, signed_in_page
from tests.console.helpers import csrf_of, sign_in
from tests.factories import Factory
from tests.storage.conftest import Live


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "#3a7d44").save(out, "PNG")
    return out.getvalue()


def test_upload_list_and_delete_as_the_script_does(client: TestClient, factory: Factory) -> None:
    t = factory.tenant(tier="general")
    sign_in(client, t.token)
    csrf = csrf_of(client.get("/console/media").text)
    data = _png()
    ask = {"type": "photo", "extension": "png", "contentLength": len(data)}
    assert client.post("/console/media/presign", json=ask).status_code == 403
    bad = {"X-CSRF-Token": "forged"}
    assert client.post("/console/media/presign", json=ask, headers=bad).status_code == 403
    headers = {"X-CSRF-Token": csrf}
    r = client.post("/console/media/presign", json={**ask, "extension": "exe"}, headers=headers)
    assert r.status_code == 422
    grant = client.post("/console/media/presign", json=ask, headers=headers).json()
    put = client.put(grant["uploadUrl"], content=data, headers=grant["headers"])
    assert put.status_code == 200, put.text
    made = client.post(
        "/console/media/register",
        json={"type": "photo", "uploadUrl": grant["uploadUrl"]},
        headers=headers,
    ).json()["media"]
    page = client.get("/console/media").text
    assert made["mId"] in page
    api = client.post("/media/get", json={"type": "photo"}, headers=t.headers).json()["body"]
    assert [m["mId"] for m in api["media"]] == [made["mId"]]
    # Another account's session sees none of it.
    other = factory.tenant(tier="general")
    client.cookies.clear()
    sign_in(client, other.token)
    assert made["mId"] not in client.get("/console/media").text
    client.cookies.clear()
    sign_in(client, t.token)
    r = client.post("/console/media/delete", data={"mId": made["mId"]}, follow_redirects=False)
    assert r.status_code == 403
    csrf = csrf_of(client.get("/console/media").text)
    r = client.post(
        "/console/media/delete", data={"mId": made["mId"], "csrf": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    assert made["mId"] not in client.get("/console/media").text
    api = client.post("/media/get", json={"type": "photo"}, headers=t.headers).json()["body"]
    assert api["media"] == []


def test_upload_a_photo_in_the_browser(
    live_local: Live, factory: Factory, tmp_path: Path, browser: Any
) -> None:
    t = factory.tenant(tier="general")
    photo = tmp_path / "harbour.png"
    photo.write_bytes(_png())
    pg = signed_in_page(browser, live_local.url, t.token, width=390)
    pg.get_by_role("link", name="Media").click()
    pg.get_by_label("Kind").select_option("photo")
    pg.get_by_label("File").set_input_files(str(photo))
    pg.get_by_role("button", name="Upload").click()
    pg.get_by_role("list", name="Media").get_by_role("img").first.wait_for(timeout=30_000)
    pg.wait_for_load_state("networkidle")
    shown = pg.eval_on_selector_all(
        ".gallery img", "imgs => imgs.map(i => [i.alt, i.naturalWidth])"
    )
    violations = serious_violations(pg)
    pg.screenshot(path=str(OUTPUT / "media-narrow.png"), full_page=True)
    pg.set_viewport_size({"width": 1280, "height": 900})
    pg.screenshot(path=str(OUTPUT / "media-wide.png"), full_page=True)
    api = live_local.http.post("/media/get", json={"type": "photo"}, headers=t.headers).json()[
        "body"
    ]["media"]
    assert len(api) == 1
    assert shown == [[f"photo {api[0]['mId']}", 64]]
    assert violations == []
