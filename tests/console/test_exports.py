"""The console's exports: shown only to keys with export:read, created (export:write) with the
API's own validation, followed live until finished, and downloaded as the ZIP the API serves,
in a real browser too."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.browsers import serious_violations
from tests.console.conftest import OUTPUT, signed_in_page
from tests.console.helpers import csrf_of, sign_in
from tests.exports.helpers import parse, run_jobs, seed
from tests.factories import Factory
from tests.storage.conftest import Live

SCOPES = ["export:read", "export:write"]


def test_exports_need_the_scopes_and_keep_the_api_rules(
    client: TestClient, factory: Factory
) -> None:
    plain = factory.tenant(tier="enterprise")
    sign_in(client, plain.token)
    assert "Exports" not in client.get("/console/designs").text.split("<main")[0]
    assert client.get("/console/exports").status_code == 403
    client.cookies.clear()

    t = factory.tenant(tier="general", scopes=SCOPES)
    seed(
        factory.sessions,
        t.account_id,
        contacts=3,
        activities=0,
        start=datetime(2024, 1, 1, tzinfo=UTC),
    )
    sign_in(client, t.token)
    page = client.get("/console/exports")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    form = {"csrf": csrf, "exportType": "contacts", "delimiter": ";", "dateFormat": "L"}
    form["version"] = "v2"
    r = client.post("/console/exports/new", data={**form, "fromDate": "yesterday"})
    assert r.status_code == 422
    assert "filters.fromDate" in r.text
    r = client.post("/console/exports/new", data={**form, "delimiter": "|"})
    assert r.status_code == 422
    assert "delimiter" in r.text
    r = client.post("/console/exports/new", data={**form, "csrf": "x"}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/exports/", headers=t.headers).json()["results"] == []  # nothing stored
    r = client.post("/console/exports/new", data=form, follow_redirects=False)
    assert r.status_code == 303
    (made,) = client.get("/exports/", headers=t.headers).json()["results"]
    assert client.get(f"/console/exports/{made['id']}/status").json()["status"] == "inProgress"
    run_jobs(client.app)  # type: ignore[arg-type]
    done = client.get(f"/console/exports/{made['id']}/status").json()
    assert done["status"] == "finished"
    listed = client.get("/console/exports").text
    link = listed.split('<a href="')[-1].split('"')[0].replace("&amp;", "&")
    archive = zipfile.ZipFile(io.BytesIO(client.get(link).content))
    rows = parse(archive.read("contacts.csv"), ";")
    assert len(rows) == 1 + 3
    # Another account's session sees none of it.
    other = factory.tenant(tier="general", scopes=SCOPES)
    client.cookies.clear()
    sign_in(client, other.token)
    assert made["id"] not in client.get("/console/exports").text
    assert client.get(f"/console/exports/{made['id']}/status").status_code == 404


def test_create_follow_and_download_in_the_browser(
    live_worker: Live, factory: Factory, tmp_path: Path, browser: Any
) -> None:
    t = factory.tenant(tier="general", scopes=SCOPES)
    seed(
        factory.sessions,
        t.account_id,
        contacts=4,
        activities=0,
        start=datetime(2024, 1, 1, tzinfo=UTC),
    )
    pg = signed_in_page(browser, live_worker.url, t.token)
    pg.get_by_role("link", name="Exports").click()
    pg.get_by_label("Export type").select_option("contacts")
    pg.get_by_label("Delimiter").select_option(";")
    pg.get_by_role("button", name="Export").click()
    link = pg.get_by_role("link", name="Download")
    link.wait_for(timeout=60_000)
    assert serious_violations(pg) == []
    pg.screenshot(path=str(OUTPUT / "exports-wide.png"), full_page=True)
    with pg.expect_download() as started:
        link.click()
    saved = tmp_path / "export.zip"
    started.value.save_as(str(saved))
    pg.set_viewport_size({"width": 390, "height": 800})
    pg.screenshot(path=str(OUTPUT / "exports-narrow.png"), full_page=True)
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    with zipfile.ZipFile(saved) as archive:
        rows = parse(archive.read("contacts.csv"), ";")
    assert len(rows) == 1 + 4
    assert rows[0][:2] == ["Contact ID", "Email"]
