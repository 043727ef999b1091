"""Registering webhook URLs: the documented messages, the guarded URL rules (no private or
loopback targets unless the operator allows them), one URL per key, the secret shown once; and
the same guard again at delivery time."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from brandkit.accounts.auth import Principal
from brandkit.db import make_sessionmaker, transaction, utcnow
from brandkit.jobs.runner import Worker
from brandkit.webhooks import service
from brandkit.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookEvent
from tests.factories import Factory
from tests.webhooks.conftest import receiving

PUBLIC = "https://93.184.216.34/hooks/brandkit"  # an address literal: no DNS needed

REFUSED = [
    ("http://127.0.0.1:9000/hook", "the address is private, loopback or reserved"),
    ("http://localhost/hook", "the address is private, loopback or reserved"),
    ("http://[::1]/hook", "the address is private, loopback or reserved"),
    ("http://10.1.2.3/hook", "the address is private, loopback or reserved"),
    ("http://169.254.169.254/latest/meta-data", "the address is private, loopback or reserved"),
    ("http://[::ffff:192.168.0.1]/hook", "the address is private, loopback or reserved"),
    ("ftp://93.184.216.34/hook", "only http and https URLs are fetched"),
    ("not a url", "only http and https URLs are fetched"),
    ("https://93.184.216.34:99999/", "the port is not valid"),
    ("https://93.184.216.34/" + "a" * 2100, "must be at most 2048 characters"),
]


def _update(client: TestClient, headers: dict[str, str], body: Any) -> Any:
    return client.post("/api/prod/v2/general/update-webhook", json=body, headers=headers)


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_private_and_malformed_urls_are_refused(
    client: TestClient, factory: Factory, url: str, reason: str
) -> None:
    t = factory.tenant(tier="general")
    r = _update(client, t.headers, {"webhookUrl": url})
    assert r.status_code == 422
    assert r.json() == {
        "status": 422,
        "body": {"message": "Invalid input", "errors": [{"field": "webhookUrl", "reason": reason}]},
    }
    r = client.put(
        "/webhooks/",
        json={"url": url},
        headers=factory.key(t.account_id, "enterprise", ["export:write"]),
    )
    assert r.status_code == 422
    assert r.json()["validationErrors"][0]["reason"] == reason


def test_setting_replacing_and_removing_the_url(
    client: TestClient, factory: Factory, engine: Any
) -> None:
    t = factory.tenant(tier="general")
    first = _update(client, t.headers, {"webhookUrl": PUBLIC})
    assert first.status_code == 200
    body = first.json()["body"]
    assert body["message"] == "Successfully updated the webhook URL"
    assert body["secret"].startswith("whsec_")
    second = _update(client, t.headers, {"webhookUrl": PUBLIC + "/v2"})
    # One URL per key: the new one replaces it, with a new secret.
    assert second.json()["body"]["secret"] != body["secret"]
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as s:
        rows = list(s.scalars(select(WebhookEndpoint).where(WebhookEndpoint.key_id == t.key_id)))
        assert [(e.url, e.family) for e in rows] == [(PUBLIC + "/v2", "requests")]
    removed = _update(client, t.headers, {"webhookUrl": None})
    assert removed.json()["body"] == {
        "message": "Successfully removed the webhook URL",
        "secret": None,
    }
    with transaction(sessions) as s:
        assert (
            s.scalar(select(WebhookEndpoint.url).where(WebhookEndpoint.key_id == t.key_id)) is None
        )


@pytest.mark.parametrize(
    "body", [{}, {"webhookUrl": 5}, {"webhookUrl": ["https://93.184.216.34/"]}, {"url": PUBLIC}]
)
def test_bad_bodies_are_invalid_input(client: TestClient, factory: Factory, body: Any) -> None:
    t = factory.tenant(tier="general")
    r = _update(client, t.headers, body)
    assert r.status_code == 422
    assert r.json()["body"]["message"] == "Invalid input"
    assert r.json()["body"]["errors"][0]["field"] == "webhookUrl"


def test_unauthenticated_and_unscoped_callers(client: TestClient, factory: Factory) -> None:
    r = _update(client, {}, {"webhookUrl": PUBLIC})
    assert r.status_code == 401
    assert r.json()["body"]["message"] == (
        "Failed to authenticate request. Please add sivi-api-key header in request"
    )
    t = factory.tenant(scopes=["export:read"])
    r = client.put("/webhooks/", json={"url": PUBLIC}, headers=t.headers)
    assert r.status_code == 403
    assert r.json()["detail"] == "This API key lacks the export:write scope"
    assert client.get("/webhooks/", headers=t.headers).json() == {
        "url": None,
        "secret": None,
        "createdAt": None,
        "updatedAt": None,
    }
    writer = factory.key(t.account_id, "enterprise", ["export:write", "export:read"])
    r = client.put(
        "/webhooks/", content=b"{", headers={**writer, "content-type": "application/json"}
    )
    assert r.status_code == 400
    r = client.put("/webhooks/", content=b"{}", headers=writer)
    assert r.status_code == 415
    r = client.put("/webhooks/", json={"url": 7}, headers=writer)
    assert r.status_code == 422
    assert r.json()["validationErrors"][0]["name"] == "url"


def test_the_guard_holds_again_at_delivery(app: FastAPI, factory: Factory, engine: Any) -> None:
    """A URL accepted once (here written while the operator allowed private targets) is refused
    at delivery when they no longer are: the attempt is logged, nothing is sent."""
    t = factory.tenant(tier="super")
    sessions = make_sessionmaker(engine)
    settings = app.state.settings
    assert settings.webhook_allow_private is False
    with receiving() as receiver:
        principal = Principal(t.account_id, t.key_id, "super", frozenset(), t.user.id)
        with transaction(sessions, write=True) as s:
            service.register(s, settings, principal, service.REQUESTS, receiver.url, utcnow())
            service.emit(
                s,
                account_id=t.account_id,
                user_id=t.user.id,
                family=service.REQUESTS,
                subject="request:x",
                type="request.pending",
                payload={"status": 200, "body": {"requestId": "x", "status": "pending"}},
                now=utcnow(),
            )
        worker = Worker(engine, settings, app.state.storage)
        assert worker.run_once()
        with transaction(sessions) as s:
            (attempt,) = s.scalars(select(WebhookAttempt)).all()
            event = s.scalars(select(WebhookEvent)).one()
        assert attempt.error == "the address is private, loopback or reserved"
        assert attempt.status_code is None
        assert event.status == "pending"  # retried on the schedule, in case the name moves
        assert event.attempts == 1
        assert receiver.received == []
