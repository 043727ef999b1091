"""Brands (SPEC 7): create, list, update, archive, set-default, set-brand-manual and the
enterprise set-brand; the logo fetched into media; bId checked where it is accepted; brand mode
of generation using the brand's colours, fonts and logo."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from brandkit.accounts.models import Brand
from brandkit.brands.schemas import BrandCreatedBody, BrandsBody, BrandUpdatedBody
from brandkit.db import transaction
from brandkit.designs.models import Variant
from brandkit.kit.fetch import UrlFetcher
from brandkit.kit.ids import brand_id
from brandkit.kit.schemas import Envelope
from brandkit.media.models import Media
from tests.exports.helpers import run_jobs
from tests.factories import Factory, Tenant
from tests.generation.conftest import AssetServer

BRAND: dict[str, Any] = {
    "brandName": "Sivi",
    "brandDescription": "AI design generator for brands",
    "brandUrl": "https://sivi.ai",
    "brandColors": ["#5662EC", "#ef9ab2"],
    "brandFonts": ["MKyWTNGl3hw", "Lato Bold", "gtnT7o1Zong"],
    "brandPersona": {"emotions": ["happy"], "industry": "games", "audience": ["working mom"]},
}


@pytest.fixture
def fetching(app: FastAPI) -> None:
    # The asset server is on loopback: let this app's fetcher reach it, as a closed network would.
    app.state.url_fetcher = UrlFetcher(1 << 22, 5, allow=lambda _ip: True)


def post(client: TestClient, path: str, t: Tenant, **body: Any) -> Any:
    return client.post(path, json=body, headers=t.headers)


def _brands(factory: Factory) -> int:
    with transaction(factory.sessions) as s:
        return s.scalar(select(func.count()).select_from(Brand)) or 0


def test_create_list_update_archive(
    client: TestClient, factory: Factory, assets: AssetServer, fetching: None
) -> None:
    t = factory.tenant()
    r = post(client, "/brand/create", t, **BRAND, brandLogo=f"{assets.url}/logo.png")
    assert r.status_code == 200, r.text
    created = Envelope[BrandCreatedBody].model_validate(r.json()).body
    assert created.message == "Successfully set the brand details"
    [first] = created.brandDetails
    assert first.bId.startswith("b_")
    assert [c.color for c in first.brandColors] == ["#5662EC", "#EF9AB2"]
    assert [f.id for f in first.brandFonts] == ["MKyWTNGl3hw", "zObKjN-Lw5Q", "gtnT7o1Zong"]
    assert first.brandPersona["industry"] == "games"
    assert first.isDefault
    [logo] = first.brandLogos
    assert client.get(logo.removeprefix("http://testserver")).status_code == 200
    logos = post(client, "/media/get", t, type="logo", bId=first.bId).json()["body"]["media"]
    assert len(logos) == 1
    # A second brand archives the first (the documented default rule).
    second = post(client, "/brand/create", t, brandName="Two", brandDescription="d").json()
    second_id = second["body"]["brandDetails"][0]["bId"]
    listed = Envelope[BrandsBody].model_validate(post(client, "/brand/get", t).json()).body
    assert [b.bId for b in listed.brands] == [second_id]
    default = post(client, "/get-brands", t, isDefault=True, bId=first.bId).json()["body"]
    assert [b["bId"] for b in default["brands"]] == [second_id]
    r = post(
        client, "/brand/update", t, bId=second_id, brandName="Two renamed", brandColors=["#112233"]
    )
    updated = Envelope[BrandUpdatedBody].model_validate(r.json()).body
    assert updated.message == "Brand updated successfully"
    assert updated.brandDetail.brandName == "Two renamed"
    r = post(client, "/brand/archive", t, bId=second_id)
    assert r.json() == {
        "status": 200,
        "body": {"message": "Brand archived successfully", "bId": second_id},
    }
    assert post(client, "/brand/get", t).json()["body"]["brands"] == []
    for path in ("/brand/update", "/brand/archive", "/brand/set-default"):
        r = post(client, path, t, bId=second_id)
        assert r.json() == {"status": 404, "body": {"message": "Brand not found in workspace"}}


def test_set_default_and_paging(client: TestClient, factory: Factory, app: FastAPI) -> None:
    t = factory.tenant()
    with transaction(factory.sessions, write=True) as s:
        ids = []
        for i in range(5):
            b = Brand(
                id=brand_id(),
                account_id=t.account_id,
                workspace_id=t.workspace.id,
                name=f"B{i}",
                colors=[],
                fonts=[],
                logos=[],
                persona={},
            )
            s.add(b)
            s.flush()
            ids.append(b.id)
    seen: list[str] = []
    cursor = None
    while True:
        body = post(client, "/brand/get", t, limit=2, cursor=cursor).json()["body"]
        seen += [b["bId"] for b in body["brands"]]
        cursor = body["cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)
    assert len(seen) == 5
    r = post(client, "/brand/set-default", t, bId=ids[2])
    assert r.json()["body"] == {"message": "Default brand updated successfully", "bId": ids[2]}
    got = client.get(
        "/get-brands", params={"queryParams": json.dumps({"isDefault": True})}, headers=t.headers
    ).json()["body"]
    assert [b["bId"] for b in got["brands"]] == [ids[2]]


@pytest.mark.parametrize(
    "change",
    [
        {"brandName": ""},
        {"brandDescription": None},
        {"brandColors": ["#12"]},
        {"brandColors": ["blue"]},
        {"brandUrl": "ftp://x"},
        {"brandFonts": ["No Such Font"]},
        {"brandPersona": {"industry": "space piracy"}},
        {"brandPersona": {"emotions": ["meh"]}},
    ],
)
def test_bad_brands_are_422_and_store_nothing(
    client: TestClient, factory: Factory, change: dict[str, Any]
) -> None:
    t = factory.tenant()
    body = {k: v for k, v in {**BRAND, **change}.items() if v is not None}
    before = _brands(factory)
    r = post(client, "/brand/create", t, **body)
    assert r.status_code == 422, r.text
    assert r.json()["body"]["message"] == "Invalid input"
    assert _brands(factory) == before


def test_a_logo_that_is_not_an_image_stores_nothing(
    client: TestClient, factory: Factory, assets: AssetServer, fetching: None
) -> None:
    t = factory.tenant()
    assets.files["/page.html"] = (b"<html>not a logo</html>", "text/html")
    before = _brands(factory)
    r = post(client, "/brand/create", t, **BRAND, brandLogo=f"{assets.url}/page.html")
    assert r.status_code == 422
    assert _brands(factory) == before


def test_set_brand_manual_and_enterprise_set_brand(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    general = factory.key(t.account_id, "general", user="alice")
    r = client.post("/set-brand-manual", json=BRAND, headers=general)
    assert r.json() == {"status": 200, "body": {"message": "Successfully set the brand details"}}
    r = post(client, "/enterprise/set-brand", t, abstractUserId="bob", brand=BRAND)
    assert r.json()["status"] == 400  # bob has never logged in
    factory.user(t.account_id, "bob")
    r = post(client, "/enterprise/set-brand", t, abstractUserId="bob", brand=BRAND)
    assert r.json() == {"status": 200, "body": {"message": "Successfully set the brand details"}}
    bobs = post(client, "/brand/get", t, abstractUserId="bob").json()["body"]["brands"]
    assert len(bobs) == 1
    assert (
        client.post(
            "/enterprise/set-brand",
            json={"abstractUserId": "alice", "brand": BRAND},
            headers=general,
        ).status_code
        == 403
    )


def test_bid_is_checked_where_it_is_accepted(client: TestClient, factory: Factory) -> None:
    t, other = factory.tenant(), factory.tenant()
    theirs = post(client, "/brand/create", other, brandName="X", brandDescription="y").json()
    foreign = theirs["body"]["brandDetails"][0]["bId"]
    for bid in (foreign, brand_id()):
        r = post(client, "/files/get-presigned-url", t, type="photo", extension="png", bId=bid)
        assert r.json() == {"status": 400, "body": {"message": "Brand does not exist"}}
        r = post(client, "/media/create", t, type="logo", url="https://example.com/l.png", bId=bid)
        assert r.json() == {"status": 400, "body": {"message": "Brand does not exist"}}
        assert post(client, "/media/get", t, bId=bid).json()["body"]["media"] == []


def test_brand_mode_uses_the_brands_colours_fonts_and_logo(
    client: TestClient, app: FastAPI, factory: Factory, assets: AssetServer, fetching: None
) -> None:
    t = factory.tenant()
    made = post(client, "/brand/create", t, **BRAND, brandLogo=f"{assets.url}/logo.png").json()
    bid = made["body"]["brandDetails"][0]["bId"]
    r = post(
        client,
        "/designs-from-content",
        t,
        name="n",
        type="instagram",
        subtype="instagram-post-small",
        numOfVariants=1,
        content={"title": "Brand mode"},
        settings={"mode": "brand", "currentbId": bid, "theme": ["light"]},
    )
    assert r.status_code == 200, r.text
    run_jobs(app)
    with transaction(factory.sessions) as s:
        [variant] = s.scalars(select(Variant)).all()
        logo_keys = set(s.scalars(select(Media.storage_key).where(Media.brand_id == bid)))
    doc = json.loads(app.state.storage.read_bytes(str(variant.meta["document"])))
    assert doc["palette"]["accent"].lower() == "#5662ec"
    title = next(x for x in doc["layers"] if x["kind"] == "text" and x["block"] == "title")
    assert title["font"] == "MKyWTNGl3hw"
    [logo] = [x for x in doc["layers"] if x["kind"] == "image" and x["role"] == "logo"]
    # The design keeps its own copy of the brand's logo file.
    storage = app.state.storage
    used = storage.read_bytes(doc["assets"][logo["asset"]]["key"])
    assert used in {storage.read_bytes(k) for k in logo_keys}
