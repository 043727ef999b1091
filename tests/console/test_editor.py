"""The variant editor, end to end in a real browser: a variantEditLink taken from the API opens
the editor (through sign-in), the title and its colour are changed, Save renders a new EDITED
variant on the worker, and get-design-variants hands it back with an image that shows the edit:
the stored document holds the new title in the new colour, and the served image is that
document as the engine draws it, differing from the original where the title is."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import orjson
import pytest
from PIL import Image
from sqlalchemy import Engine, select

from brandkit.config import Settings
from brandkit.db import make_sessionmaker, transaction
from brandkit.designs.models import Variant
from brandkit.generation.book import BOOK
from brandkit.render.raster import render
from tests.browsers import serious_violations
from tests.console.conftest import OUTPUT
from tests.factories import Factory
from tests.storage.conftest import Live, live_app

NEW_TITLE = "Warm rye loaves at dawn"
NEW_COLOR = "#7a1f3d"


@pytest.fixture
def studio(settings: Settings, engine: Engine) -> Iterator[Live]:
    yield from live_app(
        settings, engine, "local", None, embedded_worker=True, worker_poll_seconds=0.1
    )


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
    studio: Live, factory: Factory, engine: Engine, browser: Any
) -> None:
    t = factory.tenant(tier="general")
    body = {
        "name": "Bakery",
        "type": "instagram",
        "subtype": "instagram-post",
        "numOfVariants": 1,
        "content": {"title": "Fresh bread every morning", "button": "Order now"},
    }
    created = studio.http.post("/designs-from-content", json=body, headers=t.headers).json()
    done = _done(studio, t.headers, created["body"]["requestId"])
    original = done["result"]["variations"][0]
    link = original["variantEditLink"]
    assert link.startswith(studio.url + "/console/#/variant/")

    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    pg.goto(link)
    pg.wait_for_url("**/console/sign-in**")
    pg.get_by_label("API key or access token").fill(t.token)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url(f"**/console/variants/{original['variantId']}/edit")
    assert serious_violations(pg) == []
    pg.screenshot(path=str(OUTPUT / "editor-wide.png"), full_page=True)
    pg.get_by_label("title", exact=True).fill(NEW_TITLE)
    pg.get_by_label("title colour", exact=True).fill(NEW_COLOR)
    pg.get_by_role("button", name="Save as a new variant").click()
    pg.wait_for_url("**/console/requests/*")
    pg.get_by_role("status").filter(has_text="Completed").wait_for(timeout=60_000)
    pg.set_viewport_size({"width": 390, "height": 800})
    pg.screenshot(path=str(OUTPUT / "editor-saved-narrow.png"), full_page=True)

    reader = factory.key(t.account_id, "enterprise")
    r = studio.http.post(
        "/enterprise/get-design-variants",
        json={"designId": done["designId"], "type": "edited"},
        headers=reader,
    )
    (edited,) = r.json()["body"]["variations"]
    assert edited["variantType"] == "EDITED"
    assert edited["variantId"] != original["variantId"]
    doc = _document(engine, studio, edited["variantId"])
    titles = [layer for layer in doc["layers"] if layer.get("block") == "title"]
    assert [t["text"] for t in titles] == [NEW_TITLE]
    assert titles[0]["color"] == NEW_COLOR
    # The served image is the edited document as the engine draws it ...
    new = np.asarray(_image(studio, edited["variantImageUrl"]), dtype=np.int16)
    images = {key: Image.open(io.BytesIO(studio.storage.read_bytes(key))) for key in doc["assets"]}
    drawn = np.asarray(render(doc, images, BOOK), dtype=np.int16)
    assert np.abs(new - drawn).mean() < 2.0  # JPEG's own loss only
    # ... with the new colour's ink inside the title's box, and the original changed there.
    box = titles[0]
    x0, y0 = int(box["x"]), int(box["y"])
    x1, y1 = int(box["x"] + box["w"]), int(box["y"] + box["h"])
    ink = np.array([int(NEW_COLOR[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    region = new[y0:y1, x0:x1]
    assert (np.abs(region - ink).max(axis=2) < 24).sum() > 200
    old = np.asarray(_image(studio, original["variantImageUrl"]), dtype=np.int16)
    assert np.abs(old[y0:y1, x0:x1] - region).mean() > 5
