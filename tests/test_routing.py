"""Path aliases (SPEC 2), envelopes on unknown routes, and the last-resort 500."""

from __future__ import annotations

import logging

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from brandkit.designs import service as designs_service
from brandkit.kit.deps import TransactionalRoute
from brandkit.routers import all_routers
from tests.factories import Factory


@pytest.mark.parametrize(
    "path",
    [
        "/media/get",
        "/api/prod/v2/media/get",
        "/api/staging/v2/media/get",
        "/api/prod/v2/general/media/get",
        "/api/prod/v2/super/media/get",
        "/api/staging/v2/enterprise/media/get",
        "/general/media/get",
    ],
)
def test_media_get_is_served_at_every_prefix(
    client: TestClient, factory: Factory, path: str
) -> None:
    t = factory.tenant()
    (m,) = factory.media(t.user)
    r = client.post(path, json={}, headers=t.headers)
    assert r.status_code == 200, r.text
    assert [x["mId"] for x in r.json()["body"]["media"]] == [m.id]


@pytest.mark.parametrize(
    "path",
    [
        "/enterprise/get-design-variants",
        "/api/prod/v2/enterprise/get-design-variants",
        "/api/staging/v2/enterprise/get-design-variants",
    ],
)
def test_documented_paths_with_the_tier_segment(
    client: TestClient, factory: Factory, path: str
) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    factory.variants(design, 1)
    r = client.post(path, json={"designId": design.id}, headers=t.headers)
    assert r.status_code == 200
    r = client.get(
        path, params={"queryParams": f'{{"designId": "{design.id}"}}'}, headers=t.headers
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/super/login-user",
        "/enterprise/login-user",
        "/api/prod/v2/super/login-user",
        "/api/prod/v2/enterprise/login-user",
    ],
)
def test_user_routes_take_either_tier_segment(
    client: TestClient, factory: Factory, path: str
) -> None:
    t = factory.tenant()
    r = client.post(path, json={"abstractUserId": "eve"}, headers=t.headers)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "path", ["/nope", "/api/prod/v2/nope", "/api/dev/v2/media/get", "/api/prod/v3/media/get"]
)
def test_unknown_route_is_404_in_the_envelope(client: TestClient, path: str) -> None:
    r = client.post(path, json={})
    assert r.status_code == 404
    assert r.json()["status"] == 404
    assert isinstance(r.json()["body"]["message"], str)


def test_unhandled_error_is_a_bare_500_with_the_detail_in_the_log(
    client: TestClient,
    factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    t = factory.tenant()

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(designs_service, "get_design_variants", explode)
    with caplog.at_level(logging.ERROR):
        r = client.post(
            "/enterprise/get-design-variants", json={"designId": "x"}, headers=t.headers
        )
    assert r.status_code == 500
    assert r.json() == {"status": 500, "body": {"message": "Server internal error"}}
    assert "secret" not in r.text
    assert "Traceback" not in r.text
    request_id = r.headers["x-request-id"]
    logged = [rec for rec in caplog.records if rec.exc_info]
    assert logged, "the failure must be logged"
    assert "secret internal detail" in caplog.text
    assert any(getattr(rec, "request_id", None) == request_id for rec in logged)


def test_every_response_has_a_request_id(client: TestClient) -> None:
    r = client.post("/media/get", json={})
    assert len(r.headers["x-request-id"]) == 32


def test_openapi_documents_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/enterprise/export-data",
        "/enterprise/get-design-variants",
        "/media/get",
        "/super/login-user",
        "/super/delete-user",
    ):
        assert path in paths
    assert set(paths["/enterprise/get-design-variants"]) == {"get", "post"}


def test_every_route_runs_its_unit_of_work_in_one_place() -> None:
    # An endpoint only receives its Principal (not the Credentials placeholder) when its route
    # completes deferred dependencies; a router made without the route class would hand over
    # the placeholder.
    served = [route for router in all_routers() for route in router.routes]
    assert served
    plain = [
        r.path for r in served if isinstance(r, APIRoute) and not isinstance(r, TransactionalRoute)
    ]
    assert plain == []
