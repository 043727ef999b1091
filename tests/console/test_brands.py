"""The console's brands: create (the API's rules and messages), edit, make default, archive,
extract from a website on loopback and create a brand from what it found; another user's brand
is never shown; and the page in a real browser, checked by axe."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.browsers import serious_violations
from tests.console.conftest import OUTPUT, WIDTHS, signed_in_page
from tests.console.helpers import csrf_of, sign_in
from tests.factories import Factory
from tests.generation.conftest import AssetServer
from tests.storage.conftest import Live

SITE = b"""<!doctype html><html><head><title>Harbour Coffee</title>
<meta name="description" content="Roasted by the sea"><meta name="theme-color" content="#1f6f8b">
</head><body><h1>Harbour Coffee</h1></body></html>"""


def _api_brands(client: TestClient, headers: dict[str, str]) -> list[Any]:
    body = client.post("/brand/get", json={"limit": 50}, headers=headers).json()["body"]
    return list(body["brands"])


def test_create_edit_default_and_archive(client: TestClient, factory: Factory) -> None:
    t = factory.tenant(tier="general")
    sign_in(client, t.token)
    csrf = csrf_of(client.get("/console/brands").text)
    new = {"csrf": csrf, "action": "create", "brandName": "Acme", "brandDescription": "Tools"}
    r = client.post("/console/brands/action", data={**new, "brandColors": "blue"})
    assert r.status_code == 422
    assert "must be a hex colour" in r.text
    assert _api_brands(client, t.headers) == []
    r = client.post("/console/brands/action", data={**new, "brandColors": "#5662ec, #EF9AB2"})
    assert r.status_code == 200, r.text
    (first,) = _api_brands(client, t.headers)
    assert [c["color"] for c in first["brandColors"]] == ["#5662EC", "#EF9AB2"]
    act = {"csrf": csrf, "bId": first["bId"]}
    client.post(
        "/console/brands/action",
        data={**act, "action": "update", "brandName": "Acme Tools", "brandColors": "#000000"},
    )
    (now,) = _api_brands(client, t.headers)
    assert (now["brandName"], now["isDefault"]) == ("Acme Tools", True)
    assert [c["color"] for c in now["brandColors"]] == ["#000000"]
    # A new brand becomes the default and archives the previous default (as documented).
    client.post("/console/brands/action", data={**new, "brandName": "Second"})
    (second,) = _api_brands(client, t.headers)
    assert (second["brandName"], second["isDefault"]) == ("Second", True)
    r = client.post("/console/brands/action", data={**act, "csrf": "x", "action": "archive"})
    assert r.status_code == 403
    client.post("/console/brands/action", data={**act, "bId": second["bId"], "action": "archive"})
    assert _api_brands(client, t.headers) == []
    client.post("/console/brands/action", data={**new, "brandName": "Second"})
    (second,) = _api_brands(client, t.headers)
    # Another user's brand is unknown to this session.
    other = factory.key(t.account_id, "general", user="zed")["sivi-api-key"]
    client.cookies.clear()
    sign_in(client, other)
    assert "Second" not in client.get("/console/brands").text
    csrf = csrf_of(client.get("/console/brands").text)
    r = client.post(
        "/console/brands/action", data={"csrf": csrf, "action": "archive", "bId": second["bId"]}
    )
    assert r.status_code == 404


def test_extract_a_brand_and_create_it_in_the_browser(
    live_worker: Live, factory: Factory, browser: Any
) -> None:
    site = AssetServer()
    site.files["/"] = (SITE, "text/html")
    try:
        t = factory.tenant(tier="general")
        pg = signed_in_page(browser, live_worker.url, t.token)
        pg.get_by_role("link", name="Brands", exact=True).click()
        pg.get_by_label("Website address").fill(site.url + "/")
        pg.get_by_role("button", name="Extract").click()
        pg.get_by_role("link", name="Create a brand from it").wait_for(timeout=60_000)
        pg.get_by_role("link", name="Create a brand from it").click()
        assert pg.get_by_label("Name", exact=True).input_value() == "Harbour Coffee"
        assert (
            "#1F6F8B" in pg.get_by_label("Colours (hex, separated by commas)").input_value().upper()
        )
        pg.get_by_role("button", name="Create brand").click()
        pg.get_by_role("list", name="Brands").wait_for()
        assert serious_violations(pg) == []
        for label, width in WIDTHS.items():
            pg.set_viewport_size({"width": width, "height": 900})
            pg.screenshot(path=str(OUTPUT / f"brands-{label}.png"), full_page=True)
            assert pg.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        site.close()
    (made,) = live_worker.http.post("/brand/get", json={}, headers=t.headers).json()["body"][
        "brands"
    ]
    assert made["brandName"] == "Harbour Coffee"
    assert made["brandDescription"] == "Roasted by the sea"
