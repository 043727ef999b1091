"""A cursor is bound to the filters of the list that made it: used with other filters it is a
422 (it would skip or repeat rows), used with the same ones it continues the list."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Factory


def _page(client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    r = client.post(path, json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["body"]


def test_media_cursors_are_bound_to_their_filters(client: TestClient, factory: Factory) -> None:
    t = factory.tenant("enterprise")
    factory.media(t.user, 4, media_type="photo", sub_type="photograph", brand_id="b_one")
    factory.media(t.user, 4, media_type="backdrop", sub_type="pattern", brand_id="b_one")
    first = {"type": "photo", "limit": 2}
    cursor = _page(client, "/media/get", first, t.headers)["cursor"]
    assert cursor
    assert _page(client, "/media/get", {**first, "cursor": cursor}, t.headers)["media"]
    for other in (
        {"type": "backdrop"},
        {"type": "backdrop", "subType": "pattern"},
        {"bId": "b_one"},
        {"sort": "ASC"},
        {"mId": "m_other"},
    ):
        r = client.post("/media/get", json={**first, **other, "cursor": cursor}, headers=t.headers)
        assert r.status_code == 422, (other, r.text)
        assert r.json()["body"]["message"] == "Invalid input"


def test_variant_cursors_are_bound_to_their_filters(client: TestClient, factory: Factory) -> None:
    t = factory.tenant("enterprise")
    design = factory.design(t.user)
    factory.variants(design, 3, variant_type="GENERATED")
    factory.variants(design, 3, variant_type="EDITED")
    path = "/enterprise/get-design-variants"
    first = {"designId": design.id, "type": "generated", "limit": 1}
    cursor = _page(client, path, first, t.headers)["cursor"]
    assert _page(client, path, {**first, "cursor": cursor}, t.headers)["variations"]
    for other in (
        {"type": "edited"},
        {"type": "all"},
        {"designId": None, "userId": t.user.id},
        {"abstractUserId": "admin"},
    ):
        body = {**first, **other, "cursor": cursor}
        r = client.post(
            path, json={k: v for k, v in body.items() if v is not None}, headers=t.headers
        )
        assert r.status_code == 422, (other, r.text)


def test_font_cursors_are_bound_to_their_filters(client: TestClient, factory: Factory) -> None:
    from brandkit.db import transaction
    from brandkit.fonts.models import Font
    from brandkit.kit.ids import new_uuid

    t = factory.tenant("enterprise")
    with transaction(factory.sessions, write=True) as s:
        for i in range(4):
            s.add(
                Font(
                    id=new_uuid(),
                    account_id=t.account_id,
                    user_id=t.user.id,
                    source="user",
                    name=f"Sans {i}",
                    style="Regular",
                    classification="sans-serif" if i % 2 else "serif",
                    storage_key=f"fonts/{i}.ttf",
                )
            )
    first = {"source": "user", "limit": 1, "name": "Sans"}
    cursor = _page(client, "/font/get", first, t.headers)["meta"]["cursor"]
    assert _page(client, "/font/get", {**first, "cursor": cursor}, t.headers)["data"]
    for other in ({"name": "San"}, {"classification": ["serif"]}, {"source": "system"}):
        r = client.post("/font/get", json={**first, **other, "cursor": cursor}, headers=t.headers)
        assert r.status_code == 422, (other, r.text)
