"""The console's fonts: the shipped faces with the ids fontGroups take, and a TrueType upload
through the presigned flow that font/create registers (followed on the request page), in the
browser too; another account never sees the upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from brandkit.render.system_fonts import BY_ID
from tests.browsers import serious_violations
from tests.console.conftest import OUTPUT, signed_in_page
from tests.console.helpers import csrf_of, sign_in
from tests.factories import Factory
from tests.storage.conftest import Live
from tests.storage.samples import ttf_bytes


def test_shipped_fonts_and_an_upload(client: TestClient, factory: Factory) -> None:
    t = factory.tenant(tier="general")
    sign_in(client, t.token)
    shipped = client.get("/console/fonts", params={"source": "system"}).text
    assert sum(face_id in shipped for face_id in BY_ID) >= 10
    csrf = csrf_of(client.get("/console/fonts").text)
    data = ttf_bytes()
    headers = {"X-CSRF-Token": csrf}
    ask = {"type": "font", "extension": "ttf", "contentLength": len(data)}
    grant = client.post("/console/media/presign", json=ask, headers=headers).json()
    assert client.put(grant["uploadUrl"], content=data, headers=grant["headers"]).status_code == 200
    assert (
        client.post("/console/fonts/register", json={"uploadUrl": grant["uploadUrl"]}).status_code
        == 403
    )
    made = client.post(
        "/console/fonts/register", json={"uploadUrl": grant["uploadUrl"]}, headers=headers
    ).json()
    assert made["next"] == f"/console/requests/{made['requestId']}"
    status = client.get(f"/console/requests/{made['requestId']}/status").json()
    assert status["status"] == "completed"
    (font,) = status["result"]["fonts"]
    assert font["id"] in client.get("/console/fonts").text
    other = factory.tenant(tier="general")
    client.cookies.clear()
    sign_in(client, other.token)
    assert font["id"] not in client.get("/console/fonts").text


def test_upload_a_font_in_the_browser(
    live_local: Live,
    factory: Factory,
    tmp_path: Path,
    browser: Any,
) -> None:
    t = factory.tenant(tier="general")
    file = tmp_path / "house.ttf"
    file.write_bytes(ttf_bytes())
    pg = signed_in_page(browser, live_local.url, t.token)
    pg.get_by_role("link", name="Fonts", exact=True).click()
    pg.get_by_label("Font file (.ttf)").set_input_files(str(file))
    pg.get_by_role("button", name="Upload").click()
    pg.wait_for_url("**/console/requests/*")
    pg.get_by_role("status").filter(has_text="Completed").wait_for(timeout=30_000)
    pg.get_by_role("link", name="Fonts", exact=True).click()
    assert pg.get_by_role("table").get_by_role("row").count() == 2  # the header and the font
    assert serious_violations(pg) == []
    pg.screenshot(path=str(OUTPUT / "fonts-wide.png"), full_page=True)
    pg.set_viewport_size({"width": 390, "height": 900})
    pg.screenshot(path=str(OUTPUT / "fonts-narrow.png"), full_page=True)
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    listed = live_local.http.post("/font/get", json={"source": "user"}, headers=t.headers)
    assert len(listed.json()["body"]["data"]) == 1
