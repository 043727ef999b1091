"""The variant editor, end to end in a real browser: a variantEditLink taken from the API opens
the editor (through sign-in), the title and its colour are changed, Save renders a new EDITED
variant on the worker, and get-design-variants hands it back with an image that shows the edit:
the stored document holds the new title in the new colour, and the served image is that
document as the engine draws it, differing from the original where the title is."""

from __future__ import annotations

import base64
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


def _saved(pg: Any, live: Live, engine: Engine, headers: dict[str, str]) -> Any:
    """Save pressed and followed to completion: the new variation and its document."""
    pg.get_by_role("button", name="Save as a new variant").click()
    pg.wait_for_url("**/console/requests/*")
    pg.get_by_role("status").filter(has_text="Completed").wait_for(timeout=60_000)
    request_id = pg.url.rsplit("/", 1)[1]
    made = live.http.post(
        "/get-request-status", json={"requestId": request_id}, headers=headers
    ).json()["body"]["result"]["variations"][0]
    return made, _document(engine, live, made["variantId"])


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
    _, edited = _saved(pg, live, engine, t.headers)
    new_title = next(layer for layer in edited["layers"] if layer.get("block") == "title")
    assert new_title["text"] == "Tea by the sea"
    # Set inside the moved box (its ink box may sit anywhere in it, as its alignment says).
    left_edge = round(title["x"]) + 12
    assert new_title["x"] >= left_edge - 1
    assert new_title["x"] + new_title["w"] <= left_edge + round(title["w"]) + 1
    (new_image,) = [layer for layer in edited["layers"] if layer["kind"] == "image"]
    assert new_image["asset"] == media["url"].split("/files/", 1)[1].split("?")[0]
    assert new_image["asset"] in edited["assets"]


def _preview_pixels(pg: Any) -> Any:
    """The editor's preview picture as the page shows it (a blob: URL of what the engine drew)."""
    url = pg.evaluate(
        """() => {
            const img = document.getElementById('preview-image');
            const c = document.createElement('canvas');
            c.width = img.naturalWidth; c.height = img.naturalHeight;
            c.getContext('2d').drawImage(img, 0, 0);
            return c.toDataURL('image/png');
        }"""
    )
    png = base64.b64decode(url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def _bakery(live: Live, engine: Engine, headers: dict[str, str], content: Any) -> Any:
    """A one-variant Instagram post of ``content``, generated: its variation and document."""
    body = {
        "name": "Bakery",
        "type": "instagram",
        "subtype": "instagram-post",
        "numOfVariants": 1,
        "content": content,
    }
    created = live.http.post("/designs-from-content", json=body, headers=headers).json()
    original = _done(live, headers, created["body"]["requestId"])["result"]["variations"][0]
    return original, _document(engine, live, original["variantId"])


def test_move_and_resize_layers_on_the_picture_with_a_live_preview(
    live_worker: Live, factory: Factory, engine: Engine, browser: Any
) -> None:
    live = live_worker
    t = factory.tenant(tier="general")
    original, doc = _bakery(
        live, engine, t.headers, {"title": "Fresh bread every morning", "button": "Order now"}
    )
    title = next(layer for layer in doc["layers"] if layer.get("block") == "title")
    button = next(
        layer
        for layer in doc["layers"]
        if layer.get("block") == "button" and layer["kind"] == "text"
    )

    pg = signed_in_page(browser, live.url, t.token)
    pg.goto(f"{live.url}/console/variants/{original['variantId']}/edit")
    handle = pg.get_by_role("button", name="title on the picture", exact=True)
    shown = handle.bounding_box()
    assert shown is not None
    scale = doc["canvas"]["width"] / pg.locator("#stage").bounding_box()["width"]
    width, height = doc["canvas"]["width"], doc["canvas"]["height"]
    # Drag the title 60 px across and 40 px up or down the screen, towards the side with room
    # (a text box is kept on the canvas).
    bx, by, bw, bh = (round(title[k]) for k in ("x", "y", "w", "h"))
    sx = 60 if width - bx - bw >= bx else -60
    sy = 40 if height - by - bh >= by else -40
    cx, cy = shown["x"] + shown["width"] / 2, shown["y"] + shown["height"] / 2
    pg.mouse.move(cx, cy)
    pg.mouse.down()
    pg.mouse.move(cx + sx / 2, cy + sy / 2, steps=4)
    pg.mouse.move(cx + sx, cy + sy, steps=4)
    pg.mouse.up()
    x = min(max(round(bx + sx * scale), 0), width - bw)
    y = min(max(round(by + sy * scale), 0), height - bh)
    assert abs(int(pg.locator(f"#x-{title['id']}").input_value()) - x) <= 1
    assert abs(int(pg.locator(f"#y-{title['id']}").input_value()) - y) <= 1
    assert handle.get_attribute("aria-pressed") == "true"
    assert "selected" in (
        pg.locator(f'.layer[data-layer="{title["id"]}"]').get_attribute("class") or ""
    )
    # The button is moved 10 down from the keyboard, then made wider by its corner grip.
    pressed = pg.get_by_role("button", name="button on the picture", exact=True)
    pressed.focus()
    pg.keyboard.press("Shift+ArrowDown")
    down = min(round(button["y"]) + 10, height - round(button["h"]))
    assert int(pg.locator(f"#y-{button['id']}").input_value()) == down
    grip = pressed.locator(".grip").bounding_box()
    assert grip is not None
    gx, gy = grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2
    pg.mouse.move(gx, gy)
    pg.mouse.down()
    pg.mouse.move(gx + 40, gy, steps=5)
    pg.mouse.up()
    wider = int(pg.locator(f"#w-{button['id']}").input_value())
    widest = width - round(button["x"])
    assert abs(wider - min(round(round(button["w"]) + 40 * scale), widest)) <= 1
    # Undo takes the resize back, redo puts it again.
    pg.get_by_role("button", name="Undo").click()
    assert int(pg.locator(f"#w-{button['id']}").input_value()) == round(button["w"])
    pg.get_by_role("button", name="Redo").click()
    assert int(pg.locator(f"#w-{button['id']}").input_value()) == wider
    pg.wait_for_function(
        "() => !document.getElementById('preview-status').textContent.startsWith('Drawing')"
    )
    assert pg.locator("#preview-status").text_content() == "Preview: as Save will draw it"
    assert pg.locator("#preview-image").get_attribute("src", timeout=5000).startswith("blob:")
    assert serious_violations(pg) == []
    pg.evaluate("window.scrollTo(0, 0)")
    pg.screenshot(path=str(OUTPUT / "editor-moved-wide.png"), full_page=True)
    preview = _preview_pixels(pg)

    made, edited = _saved(pg, live, engine, t.headers)
    moved = next(layer for layer in edited["layers"] if layer.get("block") == "title")
    # Set inside the box it was dragged to (its ink box may sit anywhere in it).
    assert x - 1 <= moved["x"]
    assert moved["x"] + moved["w"] <= x + bw + 1
    assert y - 1 <= moved["y"]
    assert moved["y"] + moved["h"] <= y + bh + 1
    assert abs(moved["x"] - title["x"]) > 10 or abs(moved["y"] - title["y"]) > 10
    # The live preview was what Save made.
    saved = np.asarray(_image(live, made["variantImageUrl"]), dtype=np.int16)
    assert preview.shape == saved.shape
    assert np.abs(preview - saved).mean() < 2.0


def test_a_preview_that_save_would_refuse_says_why(
    live_worker: Live, factory: Factory, engine: Engine, browser: Any
) -> None:
    live = live_worker
    t = factory.tenant(tier="general")
    original, doc = _bakery(live, engine, t.headers, {"title": "Fresh bread every morning"})
    title = next(layer for layer in doc["layers"] if layer.get("block") == "title")
    pg = signed_in_page(browser, live.url, t.token)
    pg.goto(f"{live.url}/console/variants/{original['variantId']}/edit")
    width = pg.locator(f"#w-{title['id']}")
    width.fill("-5")
    width.dispatch_event("change")
    pg.get_by_role("status").filter(has_text="Save would be refused").wait_for()
    assert pg.locator("#preview-image").get_attribute("src") == original["variantImageUrl"]
