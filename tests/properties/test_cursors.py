"""Keyset cursors under concurrent writes: whatever is inserted between two pages (older, newer, or
at the very timestamp of the page's last row), every row present when the listing began is served
exactly once, and no row is ever served twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandkit.db import utcnow
from brandkit.kit.ids import short_id
from tests.factories import Factory

# Few distinct seconds, so that many rows share a timestamp and the id tie-break is exercised.
SECONDS = st.integers(min_value=0, max_value=12)
# Before each page, a batch of rows to insert at these second offsets.
INSERTS = st.lists(st.lists(SECONDS, max_size=4), max_size=12)

PROPERTY = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _drain(
    client: TestClient,
    fetch: Any,
    insert: Any,
    batches: list[list[int]],
) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    page_no = 0
    while True:
        ids, cursor = fetch(cursor)
        seen.extend(ids)
        if cursor is None:
            return seen
        if page_no < len(batches):
            insert(batches[page_no])
        page_no += 1
        assert page_no < 500, "the listing does not end"


@PROPERTY
@given(
    initial=st.lists(SECONDS, min_size=0, max_size=25),
    limit=st.integers(min_value=1, max_value=7),
    batches=INSERTS,
    kind=st.sampled_from(["GENERATED", "EDITED"]),
)
def test_design_variant_pages_serve_each_row_once(
    client: TestClient,
    factory: Factory,
    initial: list[int],
    limit: int,
    batches: list[list[int]],
    kind: str,
) -> None:
    tenant = factory.tenant()
    design = factory.design(tenant.user)
    t0 = utcnow() - timedelta(hours=1)

    def insert(offsets: list[int]) -> list[str]:
        made = []
        for s in offsets:
            made += factory.variants(design, 1, start=t0 + timedelta(seconds=s), variant_type=kind)
        return [v.id for v in made]

    def fetch(cursor: str | None) -> tuple[list[str], str | None]:
        body: dict[str, Any] = {"designId": design.id, "limit": limit}
        if cursor is not None:
            body["cursor"] = cursor
        r = client.post("/enterprise/get-design-variants", json=body, headers=tenant.headers)
        assert r.status_code == 200, r.text
        out = r.json()["body"]
        assert out["nextPage"] is (out["cursor"] is not None)
        return [v["variantId"] for v in out["variations"]], out["cursor"]

    present = set(insert(initial))
    seen = _drain(client, fetch, insert, batches)
    assert len(seen) == len(set(seen)), "a row was served twice"
    assert present <= set(seen), "a row present at the start was skipped"


@PROPERTY
@given(
    initial=st.lists(SECONDS, min_size=0, max_size=25),
    limit=st.integers(min_value=1, max_value=7),
    batches=INSERTS,
    sort=st.sampled_from(["ASC", "DESC"]),
)
def test_media_pages_serve_each_row_once_in_both_orders(
    client: TestClient,
    factory: Factory,
    initial: list[int],
    limit: int,
    batches: list[list[int]],
    sort: str,
) -> None:
    tenant = factory.tenant()
    user, _ = factory.user(tenant.account_id, f"u-{short_id()}")
    t0 = utcnow() - timedelta(hours=1)

    def insert(offsets: list[int]) -> list[str]:
        made = []
        for s in offsets:
            made += factory.media(user, 1, start=t0 + timedelta(seconds=s))
        return [m.id for m in made]

    def fetch(cursor: str | None) -> tuple[list[str], str | None]:
        body: dict[str, Any] = {"abstractUserId": user.abstract_user_id, "limit": limit}
        body["sort"] = sort
        if cursor is not None:
            body["cursor"] = cursor
        r = client.post("/media/get", json=body, headers=tenant.headers)
        assert r.status_code == 200, r.text
        out = r.json()["body"]
        return [m["mId"] for m in out["media"]], out["cursor"]

    present = set(insert(initial))
    seen = _drain(client, fetch, insert, batches)
    assert len(seen) == len(set(seen)), "a row was served twice"
    assert present <= set(seen), "a row present at the start was skipped"
