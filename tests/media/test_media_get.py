"""media/get (SPEC 4.2): filters, the type/subType rule, limits, sort, cursors, SYSTEM media."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from brandkit.db import utcnow
from brandkit.kit.schemas import Envelope
from brandkit.media.schemas import MediaListBody
from tests.factories import Factory, Tenant

PATH = "/media/get"
PAIR_MESSAGE = "Invalid type and subType combination"


def get(client: TestClient, tenant: Tenant | dict[str, str], **body: Any) -> Any:
    headers = tenant.headers if isinstance(tenant, Tenant) else tenant
    return client.post(PATH, json=body, headers=headers)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    Envelope[MediaListBody].model_validate(response.json(), strict=True)
    body: dict[str, Any] = response.json()["body"]
    return body


def mids(body: dict[str, Any]) -> list[str]:
    return [m["mId"] for m in body["media"]]


def test_media_object_matches_the_seed(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    (m,) = factory.media(t.user, brand_id="b_s87vFxpfM0R")
    body = ok(get(client, t))
    assert body == {
        "media": [
            {
                "mId": m.id,
                "bId": "b_s87vFxpfM0R",
                "type": "photo",
                "subType": "photograph",
                "system": "USER",
                "url": f"http://testserver/files/{m.storage_key}",
                "createdOn": int(m.created_at.timestamp()),
                "meta": {
                    "touchPosition": {
                        "left": False,
                        "right": False,
                        "bottom": False,
                        "top": False,
                        "center": False,
                    },
                    "imagePreference": {"crop": None, "removeBg": None, "enhancement": None},
                    "hueRotations": [],
                    "logoStyle": [],
                },
            }
        ],
        "cursor": None,
    }


@pytest.mark.parametrize(
    ("media_type", "sub_type"),
    [("photo", "icon"), ("screenshot", "photograph"), ("backdrop", "iphone"), (None, "nope")],
)
def test_bad_type_and_subtype_pair_is_422_with_the_exact_message(
    client: TestClient, factory: Factory, media_type: str | None, sub_type: str
) -> None:
    t = factory.tenant()
    r = get(client, t, type=media_type, subType=sub_type)
    assert r.status_code == 422
    assert r.json()["status"] == 422
    assert r.json()["body"]["message"] == PAIR_MESSAGE


def test_type_and_subtype_filters(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    factory.media(t.user, 2)
    iphone = factory.media(t.user, 2, media_type="screenshot", sub_type="iphone")
    ipad = factory.media(t.user, 1, media_type="screenshot", sub_type="ipad")
    assert sorted(mids(ok(get(client, t, type="screenshot")))) == sorted(
        m.id for m in iphone + ipad
    )
    assert sorted(mids(ok(get(client, t, type="screenshot", subType="iphone")))) == sorted(
        m.id for m in iphone
    )
    assert mids(ok(get(client, t, subType="ipad"))) == [ipad[0].id]


def test_unknown_type_is_422(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    r = get(client, t, type="font")
    assert r.status_code == 422
    assert r.json()["body"]["message"] == "Invalid input"


def test_mid_and_bid_filters(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    branded = factory.media(t.user, 2, brand_id="b_brand000001")
    plain = factory.media(t.user, 2)
    assert sorted(mids(ok(get(client, t, bId="b_brand000001")))) == sorted(m.id for m in branded)
    assert mids(ok(get(client, t, mId=plain[0].id))) == [plain[0].id]
    assert mids(ok(get(client, t, mId="m_unknown"))) == []


@pytest.mark.parametrize(("limit", "status"), [(0, 422), (1, 200), (50, 200), (51, 422)])
def test_limit_bounds(client: TestClient, factory: Factory, limit: int, status: int) -> None:
    t = factory.tenant()
    factory.media(t.user, 51)
    r = get(client, t, limit=limit)
    assert r.status_code == status, r.text
    if status == 200:
        assert len(ok(r)["media"]) == limit


def test_default_limit_is_10(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    factory.media(t.user, 11)
    assert len(ok(get(client, t))["media"]) == 10


@pytest.mark.parametrize(
    "body",
    [{"limit": "10"}, {"limit": 1.5}, {"sort": "asc"}, {"mId": 5}, {"cursor": 1}, {"type": 1}],
)
def test_mistyped_fields_are_422(
    client: TestClient, factory: Factory, body: dict[str, Any]
) -> None:
    t = factory.tenant()
    r = get(client, t, **body)
    assert r.status_code == 422, r.text
    assert r.json()["body"]["message"] == "Invalid input"


@pytest.mark.parametrize("sort", ["ASC", "DESC"])
def test_sort_and_cursor_walk_every_item_once(
    client: TestClient, factory: Factory, sort: str
) -> None:
    t = factory.tenant()
    made = factory.media(t.user, 23, step=timedelta(seconds=1))
    made += factory.media(t.user, 4, start=made[5].created_at, step=timedelta(0))  # ties
    expected = sorted(made, key=lambda m: (m.created_at, m.id), reverse=sort == "DESC")
    seen: list[str] = []
    cursor = None
    while True:
        body = ok(get(client, t, sort=sort, limit=5, cursor=cursor))
        seen += mids(body)
        if (cursor := body["cursor"]) is None:
            break
    assert seen == [m.id for m in expected]


def test_default_sort_is_newest_first(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    made = factory.media(t.user, 3)
    assert mids(ok(get(client, t))) == [m.id for m in reversed(made)]


def test_cursor_is_bound_to_its_sort(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    factory.media(t.user, 3)
    cursor = ok(get(client, t, sort="ASC", limit=1))["cursor"]
    assert get(client, t, sort="DESC", cursor=cursor).status_code == 422


def test_tampered_and_foreign_cursors_are_422(client: TestClient, factory: Factory) -> None:
    a, b = factory.tenant(), factory.tenant()
    factory.media(a.user, 3)
    factory.media(b.user, 3)
    cursor_a = ok(get(client, a, limit=1))["cursor"]
    cursor_b = ok(get(client, b, limit=1))["cursor"]
    assert get(client, a, cursor=cursor_b).status_code == 422
    assert get(client, a, cursor=cursor_a[:-4] + "AAAA").status_code == 422
    assert get(client, a, cursor="691443e27209a0eab5771a1b").status_code == 422
    assert len(ok(get(client, a, nextCursor=cursor_a))["media"]) == 2


def test_only_user_media_unless_system_is_asked(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    other = factory.tenant()
    own = factory.media(t.user, 2)
    stock = factory.media(None, 2, system="SYSTEM", media_type="icon", sub_type="icon")
    factory.media(other.user, 2)
    assert sorted(mids(ok(get(client, t)))) == sorted(m.id for m in own)
    body = ok(get(client, t, system="SYSTEM"))
    assert sorted(mids(body)) == sorted(m.id for m in stock)
    assert {m["system"] for m in body["media"]} == {"SYSTEM"}
    # Built-in stock is shared by every account.
    assert sorted(mids(ok(get(client, other, system="SYSTEM")))) == sorted(m.id for m in stock)


def test_deleted_media_is_not_listed(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    live = factory.media(t.user, 1)
    factory.media(t.user, 1, deleted_at=utcnow())
    assert mids(ok(get(client, t))) == [live[0].id]


def test_get_form_and_malformed_query_params(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    made = factory.media(t.user, 2, media_type="logo", sub_type="logo")
    factory.media(t.user, 2)
    r = client.get(
        PATH, params={"queryParams": json.dumps({"type": "logo", "limit": 1})}, headers=t.headers
    )
    assert mids(ok(r)) == [made[1].id]
    for raw in ("{", "[]", "1", '{"limit": "x"}'):
        r = client.get(PATH, params={"queryParams": raw}, headers=t.headers)
        assert r.status_code == 422, raw
    r = client.get(
        PATH,
        params={"queryParams": json.dumps({"type": "logo", "subType": "icon"})},
        headers=t.headers,
    )
    assert r.status_code == 422
    assert r.json()["body"]["message"] == PAIR_MESSAGE


def test_super_key_lists_a_named_users_media(client: TestClient, factory: Factory) -> None:
    t = factory.tenant(tier="super")
    bob, _ = factory.user(t.account_id, "bob")
    bobs = factory.media(bob, 2)
    factory.media(t.user, 1)
    assert sorted(mids(ok(get(client, t, abstractUserId="bob")))) == sorted(m.id for m in bobs)
    r = get(client, t, abstractUserId="nobody")
    assert r.status_code == 400
    assert r.json()["body"]["message"] == "User does not exist"


def test_general_key_naming_another_user_is_403(client: TestClient, factory: Factory) -> None:
    t = factory.tenant(tier="general")
    bob, _ = factory.user(t.account_id, "bob")
    factory.media(bob, 1)
    assert get(client, t, abstractUserId="bob").status_code == 403
    assert ok(get(client, t, abstractUserId="admin"))["media"] == []
