"""Saving edits, below the browser: the engine's fitting rules on a new text (it stays inside
its box, smaller when longer, refused when it cannot fit legibly), colours checked, another
user's variant answered as an unknown one, the save form's CSRF and "nothing changed" rules."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from brandkit.db import transaction
from brandkit.designs.models import DesignFile, Variant
from brandkit.generation.book import BOOK
from brandkit.jobs.runner import Worker
from brandkit.render.edit import Edit, EditRefused, apply
from brandkit.render.system_fonts import BY_ID
from brandkit.render.text import measure
from tests.console.helpers import csrf_of, sign_in
from tests.factories import Factory, Tenant


def _generated(client: TestClient, engine: Engine, t: Tenant) -> tuple[str, Any]:
    body = {
        "name": "Shop",
        "type": "instagram",
        "subtype": "instagram-post",
        "numOfVariants": 1,
        "content": {"title": "Summer sale", "subtext": "Everything must go", "button": "Shop"},
    }
    r = client.post("/designs-from-content", json=body, headers=t.headers)
    assert r.status_code == 200, r.text
    app: Any = client.app
    assert Worker(engine, app.state.settings, app.state.storage).run_once()
    status = client.post(
        "/get-request-status", json={"requestId": r.json()["body"]["requestId"]}, headers=t.headers
    ).json()["body"]
    variant_id = status["result"]["variations"][0]["variantId"]
    with transaction(app.state.sessions) as s:
        meta = s.scalar(select(Variant.meta).where(Variant.id == variant_id))
    assert meta is not None
    return variant_id, orjson.loads(app.state.storage.read_bytes(meta["document"]))


def _title(doc: Any) -> Any:
    return next(layer for layer in doc["layers"] if layer.get("block") == "title")


def test_a_new_text_is_refitted_inside_its_box(
    client: TestClient, factory: Factory, engine: Engine
) -> None:
    t = factory.tenant(tier="general")
    _, doc = _generated(client, engine, t)
    title = _title(doc)
    longer = "Summer sale on every single thing in the shop"
    edited = _title(apply(doc, Edit(texts={title["id"]: longer}), BOOK))
    assert edited["text"] == longer
    assert " ".join(line["text"] for line in edited["lines"]) == longer
    assert edited["size"] < title["size"]  # longer: set smaller to stay in its box
    font = BOOK.font(edited["font"], edited["size"])
    for line in edited["lines"]:
        left = line["cx"] - line["width"] / 2
        ink = measure(font, line["text"], edited["direction"])
        assert left + min(0.0, ink.ink_left) >= title["x"] - 1
        assert left + max(line["width"], ink.ink_right) <= title["x"] + title["w"] + 1
    assert edited["y"] >= title["y"] - 1
    assert edited["y"] + edited["h"] <= title["y"] + title["h"] + 1
    same = _title(apply(doc, Edit(texts={title["id"]: "Summer sale"}), BOOK))
    assert same["size"] == title["size"]
    button = next(layer for layer in doc["layers"] if layer.get("block") == "button")
    with pytest.raises(EditRefused, match="does not fit"):
        apply(doc, Edit(texts={button["id"]: "Shop now and save " * 8}), BOOK)
    with pytest.raises(EditRefused, match="not a colour"):
        apply(doc, Edit(colors={title["id"]: "reddish"}), BOOK)
    with pytest.raises(EditRefused, match="no text layer"):
        apply(doc, Edit(texts={"nope": "x"}), BOOK)
    with pytest.raises(EditRefused, match="empty"):
        apply(doc, Edit(texts={title["id"]: "   "}), BOOK)
    recoloured = apply(doc, Edit(colors={"canvas": "#102030", title["id"]: "#ABCDEF"}), BOOK)
    assert recoloured["canvas"]["background"] == "#102030"
    assert _title(recoloured)["color"] == "#abcdef"
    assert _title(doc)["text"] == "Summer sale"  # the document given is left as it was


def test_moving_resizing_and_new_faces_keep_the_fitting_rules(
    client: TestClient, factory: Factory, engine: Engine
) -> None:
    t = factory.tenant(tier="general")
    _, doc = _generated(client, engine, t)
    title = _title(doc)
    # Moved: the same text in the same size, every line shifted with its box.
    box = {"x": title["x"] + 10, "y": title["y"] + 20, "w": title["w"], "h": title["h"]}
    moved = _title(apply(doc, Edit(boxes={title["id"]: box}), BOOK))
    assert moved["size"] == title["size"]
    assert [line["text"] for line in moved["lines"]] == [line["text"] for line in title["lines"]]
    assert moved["lines"][0]["baseline"] > title["lines"][0]["baseline"]
    # Narrowed: set again inside the narrower box, on more lines or smaller.
    narrow = {**box, "w": title["w"] // 2}
    squeezed = _title(apply(doc, Edit(boxes={title["id"]: narrow}), BOOK))
    assert squeezed["w"] <= narrow["w"] + 1
    assert len(squeezed["lines"]) > len(title["lines"]) or squeezed["size"] < title["size"]
    with pytest.raises(EditRefused, match="stay on the canvas"):
        apply(doc, Edit(boxes={title["id"]: {**box, "x": -5}}), BOOK)
    # What a hand-made request could send: the editor's own form sends numbers.
    wrong: Any = {**box, "w": "wide"}
    with pytest.raises(EditRefused, match="must be a number"):
        apply(doc, Edit(boxes={title["id"]: wrong}), BOOK)
    # Another face: the document names it, and the text is set in it.
    other = next(
        f
        for f in BY_ID
        if f != title["font"] and BOOK.face(f).family != BOOK.face(title["font"]).family
    )
    faced = apply(doc, Edit(fonts={title["id"]: other}), BOOK)
    assert _title(faced)["font"] == other
    assert other in faced["fonts"]
    with pytest.raises(EditRefused, match="not a font"):
        apply(doc, Edit(fonts={title["id"]: "nope"}), BOOK)


def test_the_editor_answers_only_its_users_variants_and_checks_its_form(
    client: TestClient, factory: Factory, engine: Engine
) -> None:
    t = factory.tenant(tier="super")
    variant_id, doc = _generated(client, engine, t)
    title = _title(doc)
    alice = factory.key(t.account_id, "general", user="alice")["sivi-api-key"]
    sign_in(client, alice)
    # Another user's variant is an unknown one to a general key.
    assert client.get(f"/console/variants/{variant_id}/edit").status_code == 404
    assert client.get("/console/variants/AAAAAAAAAAA/edit").status_code == 404
    client.cookies.clear()
    sign_in(client, t.token)
    page = client.get(f"/console/variants/{variant_id}/edit")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    save = f"/console/variants/{variant_id}/save"
    field = f"text:{title['id']}"
    r = client.post(save, data={field: "Big sale"}, follow_redirects=False)
    assert r.status_code == 403
    r = client.post(save, data={"csrf": csrf, field: "Summer sale"}, follow_redirects=False)
    assert r.status_code == 422
    assert "Nothing was changed" in r.text
    button = next(layer for layer in doc["layers"] if layer.get("block") == "button")
    too_long = {"csrf": csrf, f"text:{button['id']}": "Shop now and save " * 8}
    r = client.post(save, data=too_long, follow_redirects=False)
    assert r.status_code == 422
    assert "does not fit its box" in r.text
    r = client.post(save, data={"csrf": csrf, field: "Big sale"}, follow_redirects=False)
    assert r.status_code == 303
    request_id = r.headers["location"].rsplit("/", 1)[1]
    app: Any = client.app
    assert Worker(engine, app.state.settings, app.state.storage).run_once()
    done = client.get(f"/console/requests/{request_id}/status").json()
    assert done["status"] == "completed"
    (made,) = done["result"]["variations"]
    assert made["variantType"] == "EDITED"
    # An edited variant is editable in turn.
    assert client.get(f"/console/variants/{made['variantId']}/edit").status_code == 200
    # A variant Brandkit did not render (no document) is refused plainly.
    (plain,) = factory.variants(factory.design(t.user), 1)
    r = client.get(f"/console/variants/{plain.id}/edit")
    assert r.status_code == 422
    assert "no layered document" in r.text


def test_the_preview_is_what_save_draws_and_stores_nothing(
    client: TestClient, factory: Factory, engine: Engine
) -> None:
    import io

    import numpy as np
    from PIL import Image

    from brandkit.generation.edits import picture

    t = factory.tenant(tier="general")
    variant_id, doc = _generated(client, engine, t)
    title = _title(doc)
    app: Any = client.app
    sign_in(client, t.token)
    csrf = csrf_of(client.get(f"/console/variants/{variant_id}/edit").text)
    url = f"/console/variants/{variant_id}/preview"
    form = {"csrf": csrf, f"text:{title['id']}": "Winter sale", f"color:{title['id']}": "#223344"}
    # A script's call: the session and its CSRF token in the header, or a 403 in JSON.
    refused = client.post(url, data=form)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]
    forged = client.post(url, data=form, headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403
    headers = {"X-CSRF-Token": csrf}
    with transaction(app.state.sessions) as s:
        before = (s.query(Variant).count(), s.query(DesignFile).count())
    r = client.post(url, data=form, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/jpeg"
    shown = np.asarray(Image.open(io.BytesIO(r.content)).convert("RGB"), dtype=np.int16)
    # What Save would make: the document with the edit applied, drawn by the engine.
    edit = Edit(texts={title["id"]: "Winter sale"}, colors={title["id"]: "#223344"})
    edited = apply(doc, edit, BOOK)
    drawn = np.asarray(picture(edited, app.state.storage), dtype=np.int16)
    assert shown.shape == drawn.shape
    assert np.abs(shown - drawn).mean() < 2.0  # JPEG's own loss only
    with transaction(app.state.sessions) as s:
        assert (s.query(Variant).count(), s.query(DesignFile).count()) == before
    # The refusal Save would meet, in JSON naming the layer.
    bad = client.post(url, data={**form, f"w:{title['id']}": "0"}, headers=headers)
    assert bad.status_code == 422
    assert "at least 1 px" in bad.json()["errors"][0]["reason"]
    # Another account's session does not see the variant.
    other = factory.tenant(tier="general")
    client.cookies.clear()
    sign_in(client, other.token)
    csrf = csrf_of(client.get("/console/designs").text)
    foreign = client.post(url, data={**form, "csrf": csrf}, headers={"X-CSRF-Token": csrf})
    assert foreign.status_code == 404
