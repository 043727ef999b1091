"""enterprise/get-design-variants (SPEC 3.2): ids and their priority, filters, limits, cursors."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from brandkit.db import utcnow
from brandkit.designs.schemas import DesignVariantsBody
from brandkit.kit.schemas import Envelope
from tests.factories import Factory, Tenant

PATH = "/api/prod/v2/enterprise/get-design-variants"


def post(client: TestClient, tenant: Tenant | dict[str, str], body: dict[str, Any]) -> Any:
    headers = tenant.headers if isinstance(tenant, Tenant) else tenant
    return client.post(PATH, json=body, headers=headers)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    # The live body must fit the documented schema exactly.
    Envelope[DesignVariantsBody].model_validate(response.json(), strict=True)
    body: dict[str, Any] = response.json()["body"]
    return body


def ids(body: dict[str, Any]) -> list[str]:
    return [v["variantId"] for v in body["variations"]]


def test_variant_object_has_every_documented_field(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    (v,) = factory.variants(design, 1)
    body = ok(post(client, t, {"designId": design.id}))
    assert body == {
        "designId": design.id,
        "variations": [
            {
                "variantImageUrl": f"http://testserver/files/{v.storage_key}",
                "variantEditLink": f"http://testserver/console/#/variant/{v.id}"
                "/independent-design-editor?type=edited",
                "variantId": v.id,
                "variantType": "GENERATED",
                "variantWidth": 1080,
                "variantHeight": 1080,
            }
        ],
        "cursor": None,
        "nextPage": False,
    }


def test_none_of_the_three_ids_is_422(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    r = post(client, t, {"abstractUserId": "admin", "type": "all"})
    assert r.status_code == 422
    assert r.json()["body"]["message"] == "Invalid input"


def test_design_id_wins_over_user_and_workspace(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    bob, bob_ws = factory.user(t.account_id, "bob")
    mine = factory.design(t.user)
    theirs = factory.design(bob)
    mine_v = factory.variants(mine, 2)
    factory.variants(theirs, 3)
    body = ok(post(client, t, {"workspaceId": bob_ws.id, "userId": bob.id, "designId": mine.id}))
    assert body["designId"] == mine.id
    assert sorted(ids(body)) == sorted(v.id for v in mine_v)


def test_user_id_wins_over_workspace(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    bob, _ = factory.user(t.account_id, "bob")
    bob_v = factory.variants(factory.design(bob), 2)
    factory.variants(factory.design(t.user), 3)
    body = ok(post(client, t, {"workspaceId": t.workspace.id, "userId": bob.id}))
    assert body["designId"] == bob.id
    assert sorted(ids(body)) == sorted(v.id for v in bob_v)


def test_workspace_lists_every_member_design(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    bob, _ = factory.user(t.account_id, "bob")
    shared = factory.shared_workspace(t.account_id, [t.user, bob])
    a = factory.variants(factory.design(t.user, shared.id), 2)
    b = factory.variants(factory.design(bob, shared.id), 2)
    factory.variants(factory.design(bob), 2)  # bob's personal workspace: not listed
    body = ok(post(client, t, {"workspaceId": shared.id}))
    assert body["designId"] == shared.id
    assert sorted(ids(body)) == sorted(v.id for v in a + b)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("designId", "Design does not exist"),
        ("userId", "User does not exist"),
        ("workspaceId", "Workspace does not exist"),
    ],
)
def test_unknown_id_is_400(client: TestClient, factory: Factory, field: str, message: str) -> None:
    t = factory.tenant()
    r = post(client, t, {field: "00000000-0000-0000-0000-000000000000"})
    assert r.status_code == 400
    assert r.json() == {"status": 400, "body": {"message": message}}


def test_deleted_user_id_is_400(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    bob, _ = factory.user(t.account_id, "bob")
    factory.variants(factory.design(bob), 1)
    r = client.post("/super/delete-user", json={"abstractUserId": "bob"}, headers=t.headers)
    assert r.status_code == 200
    r = post(client, t, {"userId": bob.id})
    assert r.status_code == 400
    assert r.json()["body"]["message"] == "User does not exist"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("all", {"GENERATED", "EDITED"}), ("generated", {"GENERATED"}), ("edited", {"EDITED"})],
)
def test_type_filter(client: TestClient, factory: Factory, kind: str, expected: set[str]) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    gen = factory.variants(design, 3)
    edi = factory.variants(design, 2, variant_type="EDITED")
    body = ok(post(client, t, {"designId": design.id, "type": kind}))
    assert {v["variantType"] for v in body["variations"]} == expected
    want = {"all": gen + edi, "generated": gen, "edited": edi}[kind]
    assert sorted(ids(body)) == sorted(v.id for v in want)


def test_bad_type_is_422(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    assert post(client, t, {"designId": design.id, "type": "GENERATED"}).status_code == 422


@pytest.mark.parametrize(("limit", "status"), [(0, 422), (1, 200), (100, 200), (101, 422)])
def test_limit_bounds(client: TestClient, factory: Factory, limit: int, status: int) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    factory.variants(design, 101)
    r = post(client, t, {"designId": design.id, "limit": limit})
    assert r.status_code == status, r.text
    if status == 200:
        body = ok(r)
        assert len(body["variations"]) == limit
        assert body["nextPage"] is True


def test_default_limit_is_100(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    factory.variants(design, 101)
    assert len(ok(post(client, t, {"designId": design.id}))["variations"]) == 100


@pytest.mark.parametrize(
    "body",
    [
        {"designId": 123},
        {"designId": None, "userId": ["x"]},
        {"designId": "d", "limit": "10"},
        {"designId": "d", "limit": 10.5},
        {"designId": "d", "limit": True},
        {"designId": "d", "cursor": 5},
        {"designId": "d", "abstractUserId": 1},
    ],
)
def test_mistyped_fields_are_422(
    client: TestClient, factory: Factory, body: dict[str, Any]
) -> None:
    t = factory.tenant()
    r = post(client, t, body)
    assert r.status_code == 422, r.text
    assert r.json()["body"]["message"] == "Invalid input"


def test_body_that_is_not_json_is_422(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    r = client.post(
        PATH, content=b"{designId:", headers={**t.headers, "Content-Type": "application/json"}
    )
    assert r.status_code == 422
    assert r.json()["status"] == 422


def test_newest_first_and_pages_return_every_variant_once(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    made = factory.variants(design, 250)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        body = ok(post(client, t, {"designId": design.id, "limit": 100, "cursor": cursor}))
        seen += ids(body)
        pages += 1
        assert body["nextPage"] is (body["cursor"] is not None)
        cursor = body["cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [v.id for v in reversed(made)]


def test_equal_timestamps_are_ordered_by_id_without_loss(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    made = factory.variants(design, 25, step=timedelta(0))
    seen: list[str] = []
    cursor = None
    while True:
        body = ok(post(client, t, {"designId": design.id, "limit": 7, "cursor": cursor}))
        seen += ids(body)
        if (cursor := body["cursor"]) is None:
            break
    assert seen == sorted((v.id for v in made), reverse=True)


def test_rows_inserted_between_pages_cause_no_duplicates_or_gaps(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    start = utcnow() - timedelta(hours=1)
    original = factory.variants(design, 30, start=start, step=timedelta(seconds=10))
    older: list[str] = []
    seen: list[str] = []
    cursor = None
    round_ = 0
    while True:
        body = ok(post(client, t, {"designId": design.id, "limit": 8, "cursor": cursor}))
        seen += ids(body)
        if (cursor := body["cursor"]) is None:
            break
        round_ += 1
        # A newer row lands before the cursor (not this walk's business); an older one lands in
        # the part still to come and must be served.
        factory.variants(design, 1, start=utcnow())
        older += [v.id for v in factory.variants(design, 1, start=start - timedelta(days=round_))]
    assert len(seen) == len(set(seen))
    assert set(seen) == {v.id for v in original} | set(older)
    assert seen[: len(original)] == [v.id for v in reversed(original)]


def test_get_form_reads_query_params(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    made = factory.variants(design, 3)
    # The seed's example also sends ideaId and page, which are ignored.
    params = {"designId": design.id, "ideaId": "x", "type": "all", "page": 1, "limit": 2}
    r = client.get(PATH, params={"queryParams": json.dumps(params)}, headers=t.headers)
    body = ok(r)
    assert ids(body) == [made[2].id, made[1].id]
    r = client.get(
        PATH,
        params={"queryParams": json.dumps({"designId": design.id, "cursor": body["cursor"]})},
        headers=t.headers,
    )
    assert ids(ok(r)) == [made[0].id]


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"designId"', "", "null"])
def test_malformed_query_params_is_422(client: TestClient, factory: Factory, raw: str) -> None:
    t = factory.tenant()
    r = client.get(PATH, params={"queryParams": raw}, headers=t.headers)
    assert r.status_code == 422, r.text
    assert r.json()["body"]["message"] == "Invalid input"


def test_next_cursor_alias_is_read_as_cursor(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    made = factory.variants(design, 3)
    first = ok(post(client, t, {"designId": design.id, "limit": 2}))
    second = ok(post(client, t, {"designId": design.id, "nextCursor": first["cursor"]}))
    assert ids(second) == [made[0].id]


def test_tampered_cursor_is_422(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    factory.variants(design, 3)
    cursor = ok(post(client, t, {"designId": design.id, "limit": 1}))["cursor"]
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    for bad in (flipped, "67ea6b92047ad842e0d4161b", "!!!", cursor + "x"):
        r = post(client, t, {"designId": design.id, "cursor": bad})
        assert r.status_code == 422, (bad, r.text)


def test_cursor_of_another_account_is_422(client: TestClient, factory: Factory) -> None:
    a, b = factory.tenant(), factory.tenant()
    da, db = factory.design(a.user), factory.design(b.user)
    factory.variants(da, 3)
    factory.variants(db, 3)
    cursor_b = ok(post(client, b, {"designId": db.id, "limit": 1}))["cursor"]
    r = post(client, a, {"designId": da.id, "cursor": cursor_b})
    assert r.status_code == 422


def test_abstract_user_id_narrows_an_enterprise_list(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    bob, _ = factory.user(t.account_id, "bob")
    shared = factory.shared_workspace(t.account_id, [t.user, bob])
    factory.variants(factory.design(t.user, shared.id), 2)
    bobs = factory.variants(factory.design(bob, shared.id), 2)
    body = ok(post(client, t, {"workspaceId": shared.id, "abstractUserId": "bob"}))
    assert sorted(ids(body)) == sorted(v.id for v in bobs)
    r = post(client, t, {"workspaceId": shared.id, "abstractUserId": "nobody"})
    assert r.status_code == 400
    assert r.json()["body"]["message"] == "User does not exist"


@pytest.mark.parametrize("tier", ["general", "super"])
def test_lower_tiers_read_only_their_acting_user(
    client: TestClient, factory: Factory, tier: str
) -> None:
    t = factory.tenant()
    bob, bob_ws = factory.user(t.account_id, "bob")
    own = factory.design(t.user)
    own_v = factory.variants(own, 2)
    other = factory.design(bob)
    factory.variants(other, 2)
    key = factory.key(t.account_id, tier)
    assert sorted(ids(ok(post(client, key, {"designId": own.id})))) == sorted(v.id for v in own_v)
    assert sorted(ids(ok(post(client, key, {"userId": t.user.id})))) == sorted(v.id for v in own_v)
    # Another user's ids are answered exactly as unknown ones (no existence oracle).
    for body, message in [
        ({"designId": other.id}, "Design does not exist"),
        ({"userId": bob.id}, "User does not exist"),
        ({"workspaceId": bob_ws.id}, "Workspace does not exist"),
    ]:
        r = post(client, key, body)
        unknown = post(client, key, {next(iter(body)): "0c6b3c8e-0000-4000-8000-000000000000"})
        assert (
            (r.status_code, r.json())
            == (unknown.status_code, unknown.json())
            == (
                400,
                {"status": 400, "body": {"message": message}},
            )
        )


def test_super_key_acts_for_a_named_user(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    bob, _ = factory.user(t.account_id, "bob")
    bobs = factory.variants(factory.design(bob), 2)
    key = factory.key(t.account_id, "super")
    body = ok(post(client, key, {"userId": bob.id, "abstractUserId": "bob"}))
    assert sorted(ids(body)) == sorted(v.id for v in bobs)


def test_general_key_naming_another_user_is_403(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    bob, _ = factory.user(t.account_id, "bob")
    factory.variants(factory.design(bob), 1)
    key = factory.key(t.account_id, "general")
    r = post(client, key, {"userId": bob.id, "abstractUserId": "bob"})
    assert r.status_code == 403
    # Refused alike whether or not the named user exists: no existence oracle.
    r = post(client, key, {"userId": bob.id, "abstractUserId": "nobody"})
    assert r.status_code == 403


def test_general_key_reads_a_shared_workspace_it_belongs_to(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    bob, _ = factory.user(t.account_id, "bob")
    shared = factory.shared_workspace(t.account_id, [t.user, bob])
    factory.variants(factory.design(bob, shared.id), 2)
    key = factory.key(t.account_id, "general")
    body = ok(post(client, key, {"workspaceId": shared.id}))
    # Only its own variants: a general key never reads another user's.
    assert body["variations"] == []
