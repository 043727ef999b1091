"""API keys and access tokens (SPEC 1): header forms, tiers, revocation, end users, rate limits."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import GeneralKey
from brandkit.accounts.models import Workspace
from brandkit.accounts.schemas import LoginUserBody
from brandkit.accounts.tokens import ACCESS_PREFIX, read_token
from brandkit.app import create_app
from brandkit.config import Settings
from brandkit.db import transaction
from brandkit.kit.deps import ReadSession, TransactionalRoute
from brandkit.kit.errors import AUTH_MESSAGE, RATE_LIMIT_MESSAGE
from brandkit.kit.ids import new_uuid
from brandkit.kit.schemas import Envelope
from tests.factories import Factory

VARIANTS = "/enterprise/get-design-variants"
EXPORT = "/enterprise/export-data"
UNAUTHENTICATED = {"status": 401, "body": {"message": AUTH_MESSAGE}}


def variants(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post(VARIANTS, json=body, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"sivi-api-key": ""},
        {"sivi-api-key": "bk_unknown:secret"},
        {"sivi-api-key": "no-colon-here"},
        {"Authorization": "apiKey bk_unknown:secret"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "apiKey"},
        {"sivi-api-key": "at.forged.token"},
    ],
)
def test_missing_or_unknown_key_is_401(
    client: TestClient, factory: Factory, headers: dict[str, str]
) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    r = variants(client, headers, designId=design.id)
    assert r.status_code == 401
    assert r.json() == UNAUTHENTICATED


def test_right_key_id_with_wrong_secret_is_401(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    r = variants(client, {"sivi-api-key": f"{t.key_id}:not-the-secret"}, designId="x")
    assert r.status_code == 401
    assert r.json() == UNAUTHENTICATED


def test_both_header_forms_authenticate(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    factory.variants(design, 1)
    for headers in (
        {"sivi-api-key": t.token},
        {"Authorization": f"apiKey {t.token}"},
        {"authorization": f"APIKEY {t.token}"},
    ):
        r = variants(client, headers, designId=design.id)
        assert r.status_code == 200, (headers, r.text)
        assert len(r.json()["body"]["variations"]) == 1


def test_revoked_key_fails_at_once(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    assert variants(client, t.headers, designId=design.id).status_code == 200
    with transaction(factory.sessions, write=True) as s:
        accounts.revoke_key(s, t.key_id)
    r = variants(client, t.headers, designId=design.id)
    assert r.status_code == 401
    assert r.json() == UNAUTHENTICATED


def test_rotated_key_replaces_the_old_one(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    with transaction(factory.sessions, write=True) as s:
        issued = accounts.rotate_key(s, t.key_id)
    assert variants(client, t.headers, designId=design.id).status_code == 401
    r = variants(client, {"sivi-api-key": issued.token}, designId=design.id)
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("tier", "status"), [("general", 403), ("super", 403), ("enterprise", 422)]
)
def test_export_data_needs_enterprise(
    client: TestClient, factory: Factory, tier: str, status: int
) -> None:
    t = factory.tenant(tier=tier)
    r = client.post(
        EXPORT,
        json={"abstractUserId": "admin", "startDate": 1, "endDate": 1},
        headers=t.headers,
    )
    # startDate 1 is older than a year: the enterprise key passes the tier check and meets the
    # body's rules; a lower tier never gets that far.
    assert r.status_code == status, r.text
    assert r.json()["status"] == r.status_code


@pytest.mark.parametrize(("tier", "status"), [("general", 403), ("super", 200)])
def test_user_management_needs_super(
    client: TestClient, factory: Factory, tier: str, status: int
) -> None:
    t = factory.tenant(tier=tier)
    r = client.post("/super/login-user", json={"abstractUserId": "eve"}, headers=t.headers)
    assert r.status_code == status
    r = client.post("/super/delete-user", json={"abstractUserId": "eve"}, headers=t.headers)
    assert r.status_code == status


def test_login_user_is_idempotent_and_its_token_acts_as_a_general_key(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    first = client.post("/super/login-user", json={"abstractUserId": "eve"}, headers=t.headers)
    assert first.status_code == 200
    Envelope[LoginUserBody].model_validate(first.json(), strict=True)
    again = client.post("/enterprise/login-user", json={"abstractUserId": "eve"}, headers=t.headers)
    b1, b2 = first.json()["body"], again.json()["body"]
    assert (b1["userId"], b1["workspaceId"]) == (b2["userId"], b2["workspaceId"])

    eve, _ = factory.user(t.account_id, "eve")
    assert eve.id == b1["userId"]
    eves = factory.variants(factory.design(eve), 2)
    admins = factory.design(t.user)
    factory.variants(admins, 1)
    for headers in (
        {"sivi-api-key": b1["accessToken"]},
        {"Authorization": f"Bearer {b1['accessToken']}"},
    ):
        r = variants(client, headers, userId=eve.id)
        assert r.status_code == 200, r.text
        assert sorted(v["variantId"] for v in r.json()["body"]["variations"]) == sorted(
            v.id for v in eves
        )
        # General tier: nobody else's designs (answered as an unknown one), no enterprise
        # endpoints, no user management.
        r = variants(client, headers, designId=admins.id)
        assert (r.status_code, r.json()["body"]["message"]) == (400, "Design does not exist")
        r = client.post(EXPORT, json={"abstractUserId": "eve"}, headers=headers)
        assert r.status_code == 403
        r = client.post("/super/login-user", json={"abstractUserId": "x"}, headers=headers)
        assert r.status_code == 403
    # The refresh token is not an access token.
    assert variants(client, {"sivi-api-key": b1["refreshToken"]}, userId=eve.id).status_code == 401


def test_access_token_dies_with_its_key(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    body = client.post(
        "/super/login-user", json={"abstractUserId": "eve"}, headers=t.headers
    ).json()["body"]
    with transaction(factory.sessions, write=True) as s:
        accounts.revoke_key(s, t.key_id)
    r = variants(client, {"sivi-api-key": body["accessToken"]}, userId=body["userId"])
    assert r.status_code == 401


def test_tampered_access_token_is_401(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    token = client.post(
        "/super/login-user", json={"abstractUserId": "eve"}, headers=t.headers
    ).json()["body"]["accessToken"]
    head, _, sig = token.rpartition(".")
    forged = head + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
    assert variants(client, {"sivi-api-key": forged}, userId="x").status_code == 401


def test_deleted_user_is_invisible_at_once(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    login = client.post(
        "/super/login-user", json={"abstractUserId": "eve"}, headers=t.headers
    ).json()["body"]
    eve, _ = factory.user(t.account_id, "eve")
    factory.variants(factory.design(eve), 2)
    factory.media(eve, 1)
    r = client.post("/super/delete-user", json={"abstractUserId": "eve"}, headers=t.headers)
    assert r.status_code == 200
    assert r.json()["body"] == {
        "message": "Successfully deleted the user",
        "userId": eve.id,
        "deleted": True,
    }

    gone = {"status": 400, "body": {"message": "User does not exist"}}
    assert variants(client, t.headers, userId=eve.id).json() == gone
    assert (
        variants(client, t.headers, workspaceId=login["workspaceId"], abstractUserId="eve").json()
        == gone
    )
    r = client.post("/media/get", json={"abstractUserId": "eve"}, headers=t.headers)
    assert r.json() == gone
    r = client.post(
        EXPORT,
        json={"abstractUserId": "eve", "startDate": 1_700_000_000, "endDate": 1_700_000_001},
        headers=t.headers,
    )
    assert r.status_code in (400, 422)
    # Its token stops working and deleting it again says it does not exist.
    assert (
        variants(client, {"sivi-api-key": login["accessToken"]}, userId=eve.id).status_code == 401
    )
    r = client.post("/super/delete-user", json={"abstractUserId": "eve"}, headers=t.headers)
    assert r.json() == gone
    # The abstract id may be used again: a new user, not the deleted one.
    again = client.post("/super/login-user", json={"abstractUserId": "eve"}, headers=t.headers)
    assert again.json()["body"]["userId"] != eve.id


def test_delete_user_unknown_is_400(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    r = client.post("/super/delete-user", json={"abstractUserId": "ghost"}, headers=t.headers)
    assert r.status_code == 400
    assert r.json() == {"status": 400, "body": {"message": "User does not exist"}}


@pytest.mark.parametrize("body", [{}, {"abstractUserId": ""}, {"abstractUserId": 7}])
def test_login_user_validates_its_body(
    client: TestClient, factory: Factory, body: dict[str, Any]
) -> None:
    t = factory.tenant()
    r = client.post("/super/login-user", json=body, headers=t.headers)
    assert r.status_code == 422


@pytest.fixture
def limited_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    tiny = settings.model_copy(
        update={"rate_limit_general": 2, "rate_limit_super": 3, "rate_limit_enterprise": 4}
    )
    with TestClient(create_app(tiny, engine=engine), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(("tier", "limit"), [("general", 2), ("super", 3), ("enterprise", 4)])
def test_rate_limit_per_key_with_headers(
    limited_client: TestClient, factory: Factory, tier: str, limit: int
) -> None:
    t = factory.tenant(tier=tier)
    for i in range(limit):
        r = limited_client.post("/media/get", json={}, headers=t.headers)
        assert r.status_code == 200
        assert r.headers["RateLimit-Limit"] == str(limit)
        assert r.headers["RateLimit-Remaining"] == str(limit - i - 1)
        assert 0 <= int(r.headers["RateLimit-Reset"]) <= 60
    r = limited_client.post("/media/get", json={}, headers=t.headers)
    assert r.status_code == 429
    assert r.json() == {"status": 429, "body": {"message": RATE_LIMIT_MESSAGE}}
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert r.headers["RateLimit-Remaining"] == "0"
    assert r.headers["RateLimit-Limit"] == str(limit)
    # Another key of the same account has its own budget.
    other = factory.key(t.account_id, tier)
    assert limited_client.post("/media/get", json={}, headers=other).status_code == 200


def test_errors_after_authentication_carry_rate_headers(
    limited_client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    r = limited_client.post(VARIANTS, json={}, headers=t.headers)
    assert r.status_code == 422
    assert r.headers["RateLimit-Limit"] == "4"


def test_access_token_expires_in_one_hour(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    body = client.post(
        "/super/login-user", json={"abstractUserId": "eve"}, headers=t.headers
    ).json()["body"]
    claims = read_token(ACCESS_PREFIX, b"test-signing-key-of-32-characters", body["accessToken"])
    assert claims is not None
    assert abs(claims.expires_at - time.time() - 3600) < 5


# The key is checked before anything about the request: a caller without a valid key, or
# without the tier or scope, learns nothing of what its request got wrong.
REFUSED_INPUT = [
    ("POST", VARIANTS, {"json": {"designId": 7, "limit": 0}}),
    ("GET", VARIANTS, {"params": {"queryParams": "{not json"}}),
    ("GET", "/media/get", {"params": {"queryParams": '{"limit": 500}'}}),
    ("POST", "/media/create", {"json": {"type": "photo"}}),
    ("POST", "/exports/", {"content": b"{}", "headers": {"Content-Type": "text/plain"}}),
    ("POST", "/exports/", {"json": {"type": "nonsense"}}),
]


@pytest.mark.parametrize(("method", "path", "request_args"), REFUSED_INPUT)
def test_a_bad_key_is_401_before_bad_input(
    client: TestClient, method: str, path: str, request_args: dict[str, Any]
) -> None:
    args = dict(request_args)
    headers = {**args.pop("headers", {}), "sivi-api-key": "bk_unknown:secret"}
    r = client.request(method, path, headers=headers, **args)
    assert r.status_code == 401, r.text
    assert "RateLimit-Limit" not in r.headers


def test_a_missing_tier_or_scope_is_403_before_bad_input(
    client: TestClient, factory: Factory
) -> None:
    general = factory.tenant(tier="general")
    r = client.post(EXPORT, json={"startDate": "x"}, headers=general.headers)
    assert r.status_code == 403, r.text
    no_scopes = factory.tenant(tier="enterprise", scopes=[])
    r = client.post("/exports/", json={"type": "nonsense"}, headers=no_scopes.headers)
    assert r.status_code == 403, r.text
    r = client.post(
        "/exports/", content=b"{", headers={**no_scopes.headers, "Content-Type": "text/plain"}
    )
    assert r.status_code == 403, r.text


def test_bad_input_counts_one_request_against_the_limit(
    limited_client: TestClient, factory: Factory
) -> None:
    t = factory.tenant(tier="enterprise")
    remaining = []
    for body in ({"designId": 7}, {"limit": 0}, {}):
        r = limited_client.post(VARIANTS, json=body, headers=t.headers)
        assert r.status_code == 422, r.text
        remaining.append(r.headers["RateLimit-Remaining"])
    assert remaining == ["3", "2", "1"]
    r = limited_client.post(VARIANTS, json={"designId": 7}, headers=t.headers)
    assert r.status_code == 422
    r = limited_client.post(VARIANTS, json={"designId": 7}, headers=t.headers)
    assert r.status_code == 429, "the limit must apply to refused input too"


def test_the_key_reaches_endpoints_of_every_shape(
    settings: Settings, engine: Engine, factory: Factory
) -> None:
    # No served route is async or takes a key without a session yet; a new one must still get
    # a checked Principal, and an async one its transaction committed.
    probe = APIRouter(route_class=TransactionalRoute)

    @probe.post("/probe/async")
    async def async_endpoint(principal: GeneralKey, session: ReadSession) -> dict[str, Any]:
        session.add(Workspace(id=new_uuid(), account_id=principal.account_id, name="probe"))
        return {"account": principal.account_id}

    @probe.post("/probe/sessionless")
    def sessionless_endpoint(principal: GeneralKey) -> dict[str, Any]:
        return {"account": principal.account_id}

    app = create_app(settings, engine=engine)
    app.include_router(probe)
    t = factory.tenant(tier="general")
    with TestClient(app, raise_server_exceptions=False) as c:
        for path in ("/probe/async", "/probe/sessionless"):
            assert c.post(path, headers=t.headers).json() == {"account": t.account_id}
            assert c.post(path, headers={"sivi-api-key": "bk_x:y"}).status_code == 401
    with transaction(factory.sessions) as s:
        names = s.scalars(select(Workspace.name).where(Workspace.account_id == t.account_id)).all()
    assert "probe" in names
