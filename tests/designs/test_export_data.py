"""enterprise/export-data (SPEC 3.1): the window rules, caps with ``next`` and the cursor."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from brandkit.db import utcnow
from brandkit.designs.schemas import ExportDataBody
from brandkit.kit.schemas import Envelope
from tests.factories import Factory, Tenant

PATH = "/api/prod/v2/enterprise/export-data"
DAY = 86400


def ts(moment: datetime) -> int:
    return int(moment.timestamp())


def window(days_back: float = 30, length: float = 30) -> dict[str, Any]:
    end = utcnow() - timedelta(days=days_back - length)
    return {"startDate": ts(end - timedelta(days=length)), "endDate": ts(end)}


def export(client: TestClient, tenant: Tenant, **body: Any) -> Any:
    return client.post(PATH, json={"abstractUserId": "admin", **body}, headers=tenant.headers)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    Envelope[ExportDataBody].model_validate(response.json(), strict=True)
    body: dict[str, Any] = response.json()["body"]
    return body


def assert_422(response: Any) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["status"] == 422
    assert response.json()["body"]["message"] == "Invalid input"


def test_returns_variants_media_and_content_in_the_window_newest_first(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    now = utcnow()
    inside = now - timedelta(days=10)
    design = factory.design(t.user)
    variants = factory.variants(design, 3, start=inside)
    factory.variants(design, 2, start=now - timedelta(days=50))  # before the window
    media = factory.media(t.user, 2, start=inside, media_type="icon", sub_type="icon")
    factory.media(t.user, 1, start=inside, system="SYSTEM")  # stock is not the user's
    content = factory.content(t.user, 2, start=inside)
    body = ok(export(client, t, startDate=ts(now - timedelta(days=20)), endDate=ts(now)))
    assert [v["variantId"] for v in body["variants"]] == [v.id for v in reversed(variants)]
    assert body["variants"][0]["variantEditLink"].endswith(
        f"/#/variant/{variants[-1].id}/independent-design-editor?type=edited"
    )
    assert body["media"] == [
        {"url": f"http://testserver/files/{m.storage_key}", "type": "icon"} for m in reversed(media)
    ]
    assert body["content"] == [
        {"title": c.title, "subtitle": c.subtitle, "bulletlist": c.bulletlist}
        for c in reversed(content)
    ]
    assert body["next"] == 0
    assert "cursor" not in body


def test_other_users_data_is_not_exported(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    bob, _ = factory.user(t.account_id, "bob")
    factory.variants(factory.design(t.user), 2)
    factory.media(t.user, 2)
    bobs = factory.variants(factory.design(bob), 1)
    body = ok(export(client, t, abstractUserId="bob", **window()))
    assert [v["variantId"] for v in body["variants"]] == [bobs[0].id]
    assert body["media"] == []


def test_milliseconds_are_read_as_milliseconds(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    made = factory.variants(factory.design(t.user), 2, start=utcnow() - timedelta(days=3))
    w = window(days_back=5, length=5)
    seconds = ok(export(client, t, **w))
    millis = ok(
        export(client, t, startDate=w["startDate"] * 1000, endDate=w["endDate"] * 1000 + 999)
    )
    assert len(seconds["variants"]) == len(made)
    assert millis == seconds


def test_fractional_seconds_are_accepted(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    w = window()
    ok(export(client, t, startDate=w["startDate"] + 0.5, endDate=w["endDate"] + 0.25))


def test_exactly_90_days_is_accepted_one_second_more_is_not(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    end = ts(utcnow()) - DAY
    ok(export(client, t, startDate=end - 90 * DAY, endDate=end))
    assert_422(export(client, t, startDate=end - 90 * DAY - 1, endDate=end))
    # The same in milliseconds.
    ok(export(client, t, startDate=(end - 90 * DAY) * 1000, endDate=end * 1000))
    assert_422(export(client, t, startDate=(end - 90 * DAY) * 1000 - 1, endDate=end * 1000))


def test_start_older_than_365_days_is_422(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    now = ts(utcnow())
    ok(export(client, t, startDate=now - 364 * DAY, endDate=now - 300 * DAY))
    assert_422(export(client, t, startDate=now - 366 * DAY, endDate=now - 300 * DAY))
    assert_422(export(client, t, startDate=now - 365 * DAY - 60, endDate=now - 300 * DAY))


def test_start_after_end_is_422(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    now = ts(utcnow())
    assert_422(export(client, t, startDate=now - DAY + 1, endDate=now - DAY))
    ok(export(client, t, startDate=now - DAY, endDate=now - DAY))


@pytest.mark.parametrize("missing", ["abstractUserId", "startDate", "endDate"])
def test_missing_field_is_422(client: TestClient, factory: Factory, missing: str) -> None:
    t = factory.tenant()
    body = {"abstractUserId": "admin", **window()}
    del body[missing]
    assert_422(client.post(PATH, json=body, headers=t.headers))


@pytest.mark.parametrize(
    "override",
    [
        {"abstractUserId": 42},
        {"abstractUserId": ""},
        {"abstractUserId": None},
        {"startDate": "1723632238"},
        {"endDate": None},
        {"endDate": True},
        {"startDate": -5},
        {"exportType": "everything"},
        {"cursor": 3},
    ],
)
def test_mistyped_field_is_422(
    client: TestClient, factory: Factory, override: dict[str, Any]
) -> None:
    t = factory.tenant()
    assert_422(export(client, t, **{**window(), **override}))


def test_unknown_fields_are_ignored(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    ok(export(client, t, **window(), somethingElse={"a": 1}))


def test_unknown_user_is_400(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    r = export(client, t, **{**window(), "abstractUserId": "281743-2322-34i44sd3-dkfjgdkjf292"})
    assert r.status_code == 400
    assert r.json() == {"status": 400, "body": {"message": "User does not exist"}}


def test_user_of_another_account_is_400(client: TestClient, factory: Factory) -> None:
    a, b = factory.tenant(), factory.tenant()
    factory.user(b.account_id, "bob")
    factory.variants(factory.design(b.user), 2)
    r = export(client, a, **{**window(), "abstractUserId": "bob"})
    assert r.status_code == 400
    assert r.json()["body"] == {"message": "User does not exist"}


@pytest.mark.parametrize("tier", ["general", "super"])
def test_needs_the_enterprise_tier(client: TestClient, factory: Factory, tier: str) -> None:
    t = factory.tenant()
    r = client.post(
        PATH, json={"abstractUserId": "admin", **window()}, headers=factory.key(t.account_id, tier)
    )
    assert r.status_code == 403
    assert r.json()["status"] == 403


def test_caps_then_the_cursor_returns_the_rest_exactly_once(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    start = utcnow() - timedelta(days=5)
    variants = factory.variants(factory.design(t.user), 305, start=start)
    media = factory.media(t.user, 302, start=start)
    content = factory.content(t.user, 101, start=start)
    w = window()
    first = ok(export(client, t, **w))
    assert (len(first["variants"]), len(first["media"]), len(first["content"])) == (300, 300, 100)
    assert first["next"] == 1
    second = ok(export(client, t, **w, cursor=first["cursor"]))
    assert (len(second["variants"]), len(second["media"]), len(second["content"])) == (5, 2, 1)
    assert second["next"] == 0
    assert "cursor" not in second
    got_v = [v["variantId"] for v in first["variants"] + second["variants"]]
    assert got_v == [v.id for v in reversed(variants)]
    got_m = [m["url"] for m in first["media"] + second["media"]]
    assert got_m == [f"http://testserver/files/{m.storage_key}" for m in reversed(media)]
    got_c = [c["title"] for c in first["content"] + second["content"]]
    assert got_c == [c.title for c in reversed(content)]


def test_kinds_already_complete_come_back_empty(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    start = utcnow() - timedelta(days=5)
    variants = factory.variants(factory.design(t.user), 301, start=start)
    factory.media(t.user, 4, start=start)
    factory.content(t.user, 100, start=start)
    w = window()
    first = ok(export(client, t, **w))
    assert (len(first["variants"]), len(first["media"]), len(first["content"])) == (300, 4, 100)
    assert first["next"] == 1
    second = ok(export(client, t, **w, cursor=first["cursor"]))
    assert [v["variantId"] for v in second["variants"]] == [variants[0].id]
    assert second["media"] == []
    assert second["content"] == []
    assert second["next"] == 0


def test_exactly_at_the_cap_needs_no_next(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    factory.content(t.user, 100, start=utcnow() - timedelta(days=5))
    body = ok(export(client, t, **window()))
    assert len(body["content"]) == 100
    assert body["next"] == 0


def test_export_type_designs_returns_only_variants(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    start = utcnow() - timedelta(days=5)
    made = factory.variants(factory.design(t.user), 2, start=start)
    factory.media(t.user, 2, start=start)
    factory.content(t.user, 2, start=start)
    body = ok(export(client, t, **window(), exportType="designs"))
    assert len(body["variants"]) == len(made)
    assert body["media"] == []
    assert body["content"] == []


def test_next_cursor_alias(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    factory.content(t.user, 101, start=utcnow() - timedelta(days=5))
    w = window()
    first = ok(export(client, t, **w))
    second = ok(export(client, t, **w, nextCursor=first["cursor"]))
    assert len(second["content"]) == 1


def test_tampered_or_foreign_cursor_is_422(client: TestClient, factory: Factory) -> None:
    a, b = factory.tenant(), factory.tenant()
    start = utcnow() - timedelta(days=5)
    for t in (a, b):
        factory.content(t.user, 101, start=start)
    w = window()
    cursor_a = ok(export(client, a, **w))["cursor"]
    cursor_b = ok(export(client, b, **w))["cursor"]
    assert_422(export(client, a, **w, cursor=cursor_b))
    assert_422(export(client, a, **w, cursor=cursor_a[:-3] + "AAA"))
    assert_422(export(client, a, **w, cursor="not a cursor"))
    # A cursor is bound to its window too: reusing it for another range would skip rows.
    assert_422(
        export(client, a, startDate=w["startDate"] - 1, endDate=w["endDate"], cursor=cursor_a)
    )
    ok(export(client, a, **w, cursor=cursor_a))
