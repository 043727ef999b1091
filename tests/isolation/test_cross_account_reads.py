"""Tenant isolation (SPEC 1): a key of account A meets every id of account B with 400/404 and
never sees B's data, whatever its tier."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from brandkit.db import utcnow
from tests.factories import Factory, Tenant


@dataclass
class World:
    a: Tenant
    b: Tenant
    b_design: str
    b_user: str
    b_workspace: str
    b_shared: str
    b_media: str
    b_variant_ids: set[str]
    b_strings: set[str]


@pytest.fixture
def world(factory: Factory) -> World:
    a, b = factory.tenant(), factory.tenant()
    # Both accounts have a "bob": abstract ids are only unique within an account.
    factory.user(a.account_id, "bob")
    bob, bob_ws = factory.user(b.account_id, "bob")
    shared = factory.shared_workspace(b.account_id, [b.user, bob])
    design = factory.design(bob)
    start = utcnow() - timedelta(days=3)
    made = factory.variants(design, 3, start=start)
    made += factory.variants(factory.design(bob, shared.id), 2, start=start)
    (media,) = factory.media(bob, 1, start=start, brand_id="b_brandofB01")
    factory.content(bob, 1, start=start)
    strings = {v.id for v in made} | {media.id, media.storage_key, design.id, bob.id}
    return World(
        a, b, design.id, bob.id, bob_ws.id, shared.id, media.id, {v.id for v in made}, strings
    )


def leaks(text: str, world: World) -> set[str]:
    return {s for s in world.b_strings if s in text}


@pytest.mark.parametrize("tier", ["general", "super", "enterprise"])
@pytest.mark.parametrize("field", ["designId", "userId", "workspaceId", "sharedWorkspace"])
def test_variant_ids_of_another_account_are_400(
    client: TestClient, factory: Factory, world: World, tier: str, field: str
) -> None:
    headers = factory.key(world.a.account_id, tier)
    value = {
        "designId": world.b_design,
        "userId": world.b_user,
        "workspaceId": world.b_workspace,
        "sharedWorkspace": world.b_shared,
    }[field]
    name = "workspaceId" if field == "sharedWorkspace" else field
    for r in (
        client.post("/enterprise/get-design-variants", json={name: value}, headers=headers),
        client.get(
            "/enterprise/get-design-variants",
            params={"queryParams": json.dumps({name: value})},
            headers=headers,
        ),
    ):
        assert r.status_code == 400, r.text
        assert r.json()["body"]["message"].endswith("does not exist")
        assert not leaks(r.text, world)


def test_export_never_reaches_a_user_of_another_account(client: TestClient, world: World) -> None:
    now = int(utcnow().timestamp())
    r = client.post(
        "/enterprise/export-data",
        json={"abstractUserId": "bob", "startDate": now - 30 * 86400, "endDate": now},
        headers=world.a.headers,
    )
    # A has its own "bob" with nothing: B's bob is never reached.
    assert r.status_code == 200
    body = r.json()["body"]
    assert body["variants"] == body["media"] == body["content"] == []
    r = client.post(
        "/enterprise/export-data",
        json={"abstractUserId": "admin-of-b", "startDate": now - 86400, "endDate": now},
        headers=world.a.headers,
    )
    assert r.status_code == 400


def test_media_of_another_account_is_never_listed(client: TestClient, world: World) -> None:
    for body in (
        {"mId": world.b_media},
        {"bId": "b_brandofB01"},
        {"abstractUserId": "bob"},
        {"abstractUserId": "bob", "mId": world.b_media},
        {},
    ):
        r = client.post("/media/get", json=body, headers=world.a.headers)
        assert r.status_code == 200, r.text
        assert r.json()["body"]["media"] == []
        assert not leaks(r.text, world)


def test_user_management_stays_in_the_account(
    client: TestClient, factory: Factory, world: World
) -> None:
    r = client.post("/super/login-user", json={"abstractUserId": "carol"}, headers=world.a.headers)
    carol_a = r.json()["body"]["userId"]
    # B's delete of "carol" does not touch A's carol.
    r = client.post("/super/delete-user", json={"abstractUserId": "carol"}, headers=world.b.headers)
    assert r.status_code == 400
    r = client.post("/super/login-user", json={"abstractUserId": "carol"}, headers=world.a.headers)
    assert r.json()["body"]["userId"] == carol_a
    # A deleting its bob leaves B's bob readable by B.
    client.post("/super/delete-user", json={"abstractUserId": "bob"}, headers=world.a.headers)
    r = client.post(
        "/enterprise/get-design-variants", json={"userId": world.b_user}, headers=world.b.headers
    )
    assert {v["variantId"] for v in r.json()["body"]["variations"]} == world.b_variant_ids


def test_login_token_of_a_does_not_reach_b(client: TestClient, world: World) -> None:
    token = client.post(
        "/super/login-user", json={"abstractUserId": "bob"}, headers=world.a.headers
    ).json()["body"]["accessToken"]
    headers = {"sivi-api-key": token}
    for body in ({"designId": world.b_design}, {"userId": world.b_user}):
        r = client.post("/enterprise/get-design-variants", json=body, headers=headers)
        assert r.status_code == 400
        assert not leaks(r.text, world)
