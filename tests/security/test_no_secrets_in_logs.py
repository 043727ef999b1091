"""Nothing a caller authenticates with reaches the logs, even at DEBUG and on failures."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from tests.factories import Factory


def test_keys_and_tokens_never_logged(
    client: TestClient, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tenant = factory.tenant(scopes=["export:read", "export:write"])
    secret = tenant.token.partition(":")[2]
    wrong_secret = "W" * len(secret)
    login = client.post(
        "/api/prod/v2/super/login-user",
        json={"abstractUserId": "logged-user"},
        headers={"Authorization": f"apiKey {tenant.token}"},
    )
    assert login.status_code == 200, login.text
    access = login.json()["body"]["accessToken"]
    refresh = login.json()["body"]["refreshToken"]
    calls = [
        ("/media/get", {"sivi-api-key": tenant.token}, {}),
        ("/media/get", {"sivi-api-key": access}, {}),
        ("/media/get", {"sivi-api-key": refresh}, {}),
        ("/media/get", {"sivi-api-key": f"{tenant.key_id}:{wrong_secret}"}, {}),
        ("/media/get", {"Authorization": f"apiKey {tenant.key_id}:{wrong_secret}"}, {}),
        ("/media/get", {"Authorization": f"Bearer {access}x"}, {}),
        ("/media/get", {"sivi-api-key": tenant.token}, {"limit": "many"}),
        ("/enterprise/export-data", {"sivi-api-key": tenant.token}, {"startDate": 1}),
        ("/exports/", {"Authorization": f"apiKey {tenant.token}"}, {"exportType": 1}),
    ]
    statuses = [client.post(path, json=body, headers=h).status_code for path, h, body in calls]
    assert statuses[:3] == [200, 200, 401]
    assert statuses[3:6] == [401, 401, 401]
    assert statuses[6] == 422
    assert caplog.records, "nothing was logged: the capture is not working"

    logged = caplog.text + "\n".join(repr(r.__dict__) for r in caplog.records)
    for needle in (secret, wrong_secret, access, refresh, access.split(".")[-1]):
        assert needle not in logged
