"""The variant editor, end to end in a real browser: a variantEditLink taken from the API opens
the editor (through sign-in), the title and its colour are changed, Save renders a new EDITED
variant on the worker, and get-design-variants hands it back with an image that shows the edit:
the stored document holds the new title in the new colour, and the served image is that
document as the engine draws it, differing from the original where the title is."""

from __future__ import annotations

import io
import time
from typing import Any

import numpy as np
import orjson
from PIL import Image
from sqlalchemy import Engine, select

from brandkit.db import make_sessionmaker, transaction
from brandkit.designs.models import Variant
from brandkit.generation.book import BOOK
from brandkit.render.raster import render
from tests.browsers import serious_violations
from tests.console.conftest import OUTPUT, signed_in_page
from tests.factories import Factory
from tests.storage.conftest import Live

NEW_TITLE = "Warm rye loaves at dawn"
NEW_COLOR = "#7a1f3d"


def _done(live: Live, headers: dict[str, str], request_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        body: dict[str, Any] = live.http.post(
            "/get-request-status", json={"requestId": request_id}, headers=headers
        ).json()["body"]
        if body["status"] in ("completed", "failed"):
            return body
        assert time.monotonic() < deadline
        time.sleep(0.1)


def _image(live: Live, url: str) -> Image.Image:
    r = live.http.get(url)
    assert r.status_code == 200
    return Image.open(io.BytesIO(r.content)).convert("RGB")


def _document(engine: Engine, live: Live, variant_id: str) -> Any:
    with transaction(make_sessionmaker(engine)) as s:
        meta = s.scalar(select(Variant.meta).where(Variant.id == variant_id))
    assert meta is not None
    return orjson.loads(live.storage.read_bytes(str(meta["document"])))


def test_edit_a_variant_from_its_edit_link(
    live_worker: Live, factory: Factory, engine: Engine, browser: Any
) -> None:
    t = factory.tenant(tier="general")
    body = {
        "name": "Bakery",
        "type": "instagram",
        "subtype": "instagram-post",
        "numOfVariants": 1,
        "content": {"title": "Fresh bread every morning", "button": "Order now"},
    }
    created = live_worker.http.post("/designs-from-content", json=body, headers=t.headers).json()
    done = _done(live_worker, t.headers, created["body"]["requestId"])
    original = done["result"]["variations"][0]
    link = original["variantEditLink"]
    assert link.startswith(live_worker.url + "/console/#/variant/")

    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    pg.goto(link)
    pg.wait_for_url("**/console/sign-in**")
    pg.get_by_label("API key or access token").fill(t.token)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url(f"**/console/variants/{original['variantId']}/edit")
    assert serious_violations(pg) == []
    pg.screenshot(path=str(OUTPUT / "editor-wide.png"), full_page=True)
    pg.set_viewport_size({"width": 390, "height": 900})
    pg.screenshot(path=str(OUTPUT / "editor-narrow.png"), full_page=True)
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    pg.set_viewport_size({"width": 1280, "height": 900})
    pg.get_by_label("title", exact=True).fill(NEW_TITLE)
    pg.get_by_label("title colour", exact=True).fill(NEW_COLOR)
    pg.get_by_role("button", name="Save as a new variant").click()
    pg.wait_for_url("**/console/requests/*")
    pg.get_by_role("status").filter(has_text="Completed").wait_for(timeout=60_000)
    pg.set_viewport_size({"width": 390, "height": 800})
    pg.screenshot(path=str(OUTPUT / "editor-saved-narrow.png"), full_page=True)

    reader = factory.key(t.account_id, "enterprise")
    r = live_worker.http.post(
        "/enterprise/get-design-variants",
        json={"designId": done["designId"], "type": "edited"},
        headers=reader,
    )
    (edited,) = r.json()["body"]["variations"]
    assert edited["variantType"] == "EDITED"
    assert edited["variantId"] != original["variantId"]
    doc = _document(engine, live_worker, edited["variantId"])
    titles = [layer for layer in doc["layers"] if layer.get("block") == "title"]
    assert [t["text"] for t in titles] == [NEW_TITLE]
    assert titles[0]["color"] == NEW_COLOR
    # The served image is the edited document as the engine draws it ...
    new = np.asarray(_image(live_worker, edited["variantImageUrl"]), dtype=np.int16)
    images = {
        key: Image.open(io.BytesIO(live_worker.storage.read_bytes(key))) for key in doc["assets"]
    }
    drawn = np.asarray(render(doc, images, BOOK), dtype=np.int16)
    assert np.abs(new - drawn).mean() < 2.0  # JPEG's own loss only
    # ... with the new colour's ink inside the title's box, and the original changed there.
    box = titles[0]
    x0, y0 = int(box["x"]), int(box["y"])
    x1, y1 = int(box["x"] + box["w"]), int(box["y"] + box["h"])
    ink = np.array([int(NEW_COLOR[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    region = new[y0:y1, x0:x1]
    assert (np.abs(region - ink).max(axis=2) < 24).sum() > 200
    old = np.asarray(_image(live_worker, original["variantImageUrl"]), dtype=np.int16)
    assert np.abs(old[y0:y1, x0:x1] - region).mean() > 5


def test_undo_redo_move_and_swap_an_image(
    live_worker: Live, factory: Factory, engine: Engine, browser: Any
) -> None:
    from tests.generation.conftest import AssetServer, photo_bytes

    live = live_worker
    assets = AssetServer()
    assets.files["/other.jpg"] = (photo_bytes((800, 800)), "image/jpeg")
    try:
        t = factory.tenant(tier="general")
        body = {
            "name": "Cafe",
            "type": "instagram",
            "subtype": "instagram-post",
            "numOfVariants": 1,
            "content": {"title": "Coffee by the sea"},
            "assets": {"images": [{"url": f"{assets.url}/photo.jpg"}]},
        }
        created = live.http.post("/designs-from-content", json=body, headers=t.headers).json()
        original = _done(live, t.headers, created["body"]["requestId"])["result"]["variations"][0]
        media = live.http.post(
            "/media/create",
            json={"type": "photo", "url": f"{assets.url}/other.jpg"},
            headers=t.headers,
        ).json()["body"]["media"]
    finally:
        assets.close()
    doc = _document(engine, live, original["variantId"])
    (image,) = [layer for layer in doc["layers"] if layer["kind"] == "image"]
    title = next(layer for layer in doc["layers"] if layer.get("block") == "title")

    pg = signed_in_page(browser, live.url, t.token)
    pg.goto(f"{live.url}/console/variants/{original['variantId']}/edit")
    field = pg.get_by_label("title", exact=True)
    field.fill("Tea by the sea")
    field.dispatch_event("change")
    pg.get_by_role("button", name="Undo").click()
    assert field.input_value() == "Coffee by the sea"
    pg.get_by_role("button", name="Redo").click()
    assert field.input_value() == "Tea by the sea"
    pg.keyboard.press("Control+z")
    assert field.input_value() == "Coffee by the sea"
    pg.keyboard.press("Control+Shift+z")
    assert field.input_value() == "Tea by the sea"
    left = pg.locator(f"#x-{title['id']}")
    left.fill(str(round(title["x"]) + 12))
    left.dispatch_event("change")
    pg.get_by_label(f"image ({image['id']}): swap for").select_option(media["mId"])
    assert serious_violations(pg) == []
    pg.get_by_role("button", name="Save as a new variant").click()
    pg.wait_for_url("**/console/requests/*")
    pg.get_by_role("status").filter(has_text="Completed").wait_for(timeout=60_000)
    request_id = pg.url.rsplit("/", 1)[1]
    made = live.http.post(
        "/get-request-status", json={"requestId": request_id}, headers=t.headers
    ).json()["body"]["result"]["variations"][0]
    edited = _document(engine, live, made["variantId"])
    new_title = next(layer for layer in edited["layers"] if layer.get("block") == "title")
    assert new_title["text"] == "Tea by the sea"
    # Set inside the moved box (its ink box may sit anywhere in it, as its alignment says).
    left_edge = round(title["x"]) + 12
    assert new_title["x"] >= left_edge - 1
    assert new_title["x"] + new_title["w"] <= left_edge + round(title["w"]) + 1
    (new_image,) = [layer for layer in edited["layers"] if layer["kind"] == "image"]
    assert new_image["asset"] == media["url"].split("/files/", 1)[1].split("?")[0]
    assert new_image["asset"] in edited["assets"]
