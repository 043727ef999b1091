"""Users of one account: a general-tier key or login token reads only its own user's requests,
designs, workspaces and media, and another user's id is answered exactly as an unknown one."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Factory
from tests.storage.samples import ttf_bytes

UNKNOWN_UUID = "0c6b3c8e-0000-4000-8000-000000000000"


def _login(client: TestClient, headers: dict[str, str], who: str) -> dict[str, str]:
    r = client.post("/super/login-user", json={"abstractUserId": who}, headers=headers)
    assert r.status_code == 200, r.text
    return {"sivi-api-key": r.json()["body"]["accessToken"]}


def _font_request(client: TestClient, headers: dict[str, str]) -> str:
    grant = client.post(
        "/files/get-presigned-url", json={"type": "font", "extension": "ttf"}, headers=headers
    ).json()["body"]
    put = client.put(grant["uploadUrl"], content=ttf_bytes(), headers=grant["headers"])
    assert put.status_code == 200, put.text
    r = client.post("/font/create", json={"uploadedURL": grant["uploadUrl"]}, headers=headers)
    assert r.status_code == 200, r.text
    request_id: str = r.json()["body"]["requestId"]
    return request_id


def _same(a: Any, b: Any, a_id: str = "", b_id: str = "") -> None:
    """The same answer, once each id it echoes is masked."""
    masked_a = a.text.replace(a_id, "$ID") if a_id else a.text
    masked_b = b.text.replace(b_id, "$ID") if b_id else b.text
    assert (a.status_code, masked_a) == (b.status_code, masked_b)


def test_another_users_ids_are_answered_as_unknown_ones(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant("super")
    alice, bob = _login(client, t.headers, "alice"), _login(client, t.headers, "bob")
    bobs_request = _font_request(client, bob)
    # Bob reads his own request; Alice, with her login token, meets it as an unknown id.
    own = client.post("/get-request-status", json={"requestId": bobs_request}, headers=bob)
    assert own.status_code == 200
    assert own.json()["body"]["status"] == "completed"
    theirs = client.post("/get-request-status", json={"requestId": bobs_request}, headers=alice)
    unknown = client.post("/get-request-status", json={"requestId": UNKNOWN_UUID}, headers=alice)
    assert theirs.status_code == 404
    _same(theirs, unknown, bobs_request, UNKNOWN_UUID)
    # A super key of the account reads it (it may act for any user).
    assert (
        client.post(
            "/get-request-status", json={"requestId": bobs_request}, headers=t.headers
        ).status_code
        == 200
    )

    bob_user, bob_ws = factory.user(t.account_id, "bob")
    design = factory.design(bob_user)
    factory.variants(design, 1)
    for field in ("designId", "userId", "workspaceId"):
        real = {"designId": design.id, "userId": bob_user.id, "workspaceId": bob_ws.id}[field]
        path = "/get-design-variants"
        _same(
            client.post(path, json={field: real}, headers=alice),
            client.post(path, json={field: UNKNOWN_UUID}, headers=alice),
            real,
            UNKNOWN_UUID,
        )


def test_a_login_token_lists_only_its_own_users_fonts(client: TestClient, factory: Factory) -> None:
    t = factory.tenant("super")
    alice, bob = _login(client, t.headers, "alice"), _login(client, t.headers, "bob")
    _font_request(client, bob)

    def names(headers: dict[str, str]) -> list[str]:
        r = client.post("/font/get", json={"source": "user"}, headers=headers)
        assert r.status_code == 200, r.text
        return [f["name"] for f in r.json()["body"]["data"]]

    assert names(bob) == ["Brandkit Test"]
    assert names(alice) == []
    assert names(t.headers) == ["Brandkit Test"]


def test_another_users_brand_is_answered_as_an_unknown_one(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant("super")
    alice, bob = _login(client, t.headers, "alice"), _login(client, t.headers, "bob")
    made = client.post(
        "/brand/create", json={"brandName": "Bob's", "brandDescription": "d"}, headers=bob
    )
    bobs = made.json()["body"]["brandDetails"][0]["bId"]
    unknown = "b_Zz9Zz9Zz9Zz"
    calls: list[tuple[str, dict[str, Any]]] = [
        ("/brand/update", {"brandName": "taken"}),
        ("/brand/archive", {}),
        ("/brand/set-default", {}),
        ("/brand/get", {}),
        ("/files/get-presigned-url", {"type": "photo", "extension": "png"}),
        (
            "/designs-from-content",
            {
                "name": "n",
                "type": "email",
                "subtype": "square",
                "numOfVariants": 1,
                "content": {"title": "t"},
                "settings": {"mode": "brand"},
            },
        ),
    ]
    for path, body in calls:

        def with_id(bid: str, body: dict[str, Any] = body) -> dict[str, Any]:
            if "settings" in body:
                return {**body, "settings": {"mode": "brand", "currentbId": bid}}
            return {**body, "bId": bid}

        theirs = client.post(path, json=with_id(bobs), headers=alice)
        nothing = client.post(path, json=with_id(unknown), headers=alice)
        _same(theirs, nothing, bobs, unknown)
    # Bob's brand is as it was, and his.
    mine = client.post("/brand/get", json={"bId": bobs}, headers=bob).json()["body"]["brands"]
    assert [b["brandName"] for b in mine] == ["Bob's"]
