"""designs-from-content and designs-from-prompt end to end, over real HTTP: submit, poll,
list the variants, fetch the images."""

from __future__ import annotations

import time
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from brandkit.db import transaction
from brandkit.designs.models import Variant
from brandkit.generation.schemas import GenerationCreatedBody
from brandkit.kit.schemas import Envelope
from brandkit.render.system_fonts import BY_ID, face_path
from brandkit.requests.schemas import RequestStatusBody
from tests.factories import Factory
from tests.generation.conftest import AssetServer, fetch_image, photo_bytes, wait_done
from tests.storage.conftest import Live

CONTENT = {
    "title": "T-shirts for summer",
    "offer": "Limited Time: Up to 20% Off",
    "bulletlist": ["100% cotton", "Easy wash", "Double stitch"],
    "button": "Shop now",
}


@pytest.mark.parametrize(
    ("design_type", "subtype", "dimension", "size"),
    [
        ("instagram", "instagram-post", None, (1080, 1080)),
        ("instagram", "instagram-story-small", None, (540, 960)),
        ("displayAds", "displayAds-leaderboard", None, (728, 90)),
        ("custom", "custom", {"width": 640, "height": 360}, (640, 360)),
    ],
)
def test_content_to_images(
    gen: Live,
    factory: Factory,
    assets: AssetServer,
    design_type: str,
    subtype: str,
    dimension: dict[str, int] | None,
    size: tuple[int, int],
) -> None:
    t = factory.tenant()
    body: dict[str, Any] = {
        "name": "Summer campaign",
        "type": design_type,
        "subtype": subtype,
        "numOfVariants": 2,
        "content": CONTENT,
        "outputFormat": ["jpg", "png"],
        "assets": {
            "images": [{"url": f"{assets.url}/photo.jpg"}],
            "logos": [{"url": f"{assets.url}/logo.png"}],
        },
    }
    if dimension:
        body["dimension"] = dimension
    r = gen.http.post("/api/prod/v2/general/designs-from-content", json=body, headers=t.headers)
    assert r.status_code == 200, r.text
    created = Envelope[GenerationCreatedBody].model_validate(r.json()).body
    assert created.link.endswith(f"/#/design/{created.designId}")
    done = wait_done(gen, t, created.requestId)
    Envelope[RequestStatusBody].model_validate({"status": 200, "body": done})
    assert done["status"] == "completed", done
    assert done["designId"] == created.designId
    assert done["progress"] == 100
    variations = done["result"]["variations"]
    assert len(variations) == 2
    for v in variations:
        assert (v["variantWidth"], v["variantHeight"]) == size
        assert v["variantType"] == "GENERATED"
        image = fetch_image(gen.http, v["variantImageUrl"])
        assert image.size == size
        assert image.format == "JPEG"
        for option in v["options"]:
            assert option["variantId"].startswith(v["variantId"] + "_")
            assert fetch_image(gen.http, option["variantImageUrl"]).size == size
    listed = gen.call("/enterprise/get-design-variants", {"designId": created.designId}, t).json()[
        "body"
    ]
    assert {v["variantId"] for v in listed["variations"]} == {v["variantId"] for v in variations}


def test_prompt_with_the_built_in_writer(gen: Live, factory: Factory) -> None:
    t = factory.tenant(tier="general")
    r = gen.http.post(
        "/designs-from-prompt",
        json={
            "type": "instagram",
            "subtype": "instagram-post-small",
            "prompt": "a design for my t-shirt shop for summer with 20% off, shop now",
            "numOfVariants": 1,
        },
        headers=t.headers,
    )
    assert r.status_code == 200, r.text
    done = wait_done(gen, t, r.json()["body"]["requestId"])
    assert done["status"] == "completed", done
    [variant] = done["result"]["variations"]
    assert fetch_image(gen.http, variant["variantImageUrl"]).size == (800, 800)


def test_user_fonts_and_library_media_in_a_design(gen: Live, factory: Factory) -> None:
    """A font uploaded through font/create is usable by id in fontGroups, and a photo of the
    caller's library by mId in siviAssets; the variants then show in export-data too."""
    t = factory.tenant()
    font_file = face_path(BY_ID["zObKjN-Lw5Q"]).read_bytes()  # Lato Bold, as a user's own file
    grant = gen.presign(t, type="font", extension="ttf")
    assert gen.put(grant, font_file).status_code == 200
    r = gen.call("/font/create", {"uploadedURL": grant["uploadUrl"]}, t).json()["body"]
    font_id = gen.call("/get-request-status", r, t).json()["body"]["result"]["fonts"][0]["id"]
    grant = gen.upload(t, photo_bytes(fmt="PNG"), type="photo", extension="png")
    media = gen.call("/media/create", {"type": "photo", "uploadUrl": grant["uploadUrl"]}, t)
    mid = media.json()["body"]["media"]["mId"]
    body = {
        "name": "Own font",
        "type": "email",
        "subtype": "rectangle",
        "numOfVariants": 2,
        "content": {"title": "Autumn edit", "subtext": "Knits and coats"},
        "assets": {"siviAssets": [{"mId": mid}]},
        "fontGroups": [
            {"id": font_id, "type": "heading", "addedBy": "user"},
            {"id": "RXrwoAikn90", "type": "subHeading"},
            {"id": "RXrwoAikn90", "type": "body"},
        ],
    }
    r = gen.call("/designs-from-content", body, t)
    assert r.status_code == 200, r.text
    done = wait_done(gen, t, r.json()["body"]["requestId"])
    assert done["status"] == "completed", done
    with transaction(factory.sessions) as s:
        variants = list(s.scalars(select(Variant).where(Variant.design_id == done["designId"])))
    assert len(variants) == 2
    for variant in variants:
        doc = orjson.loads(gen.storage.read_bytes(str(variant.meta["document"])))
        layers = doc["layers"]
        title = next(x for x in layers if x["kind"] == "text" and x["block"] == "title")
        assert title["font"] == font_id
        assert doc["fonts"][font_id]["family"] == "Lato"
        assert [x for x in layers if x["kind"] == "image" and x["role"] == "image"]
        svg = gen.storage.read_bytes(str(variant.meta["svg"])).decode()
        assert svg.startswith("<svg")
        assert "Autumn" in svg
    now = int(time.time())
    exported = gen.call(
        "/enterprise/export-data",
        {"abstractUserId": "admin", "startDate": now - 3600, "endDate": now + 60},
        t,
    ).json()["body"]
    assert {v.id for v in variants} <= {v["variantId"] for v in exported["variants"]}
