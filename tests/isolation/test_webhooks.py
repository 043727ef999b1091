"""Webhooks within the tenancy rules: a key's webhook receives only the events of what that key
can read. Within an account, a general key gets its own user's requests (made by it, by a login
token of its user or by a super key acting for its user) and nothing of another user's; a super
key gets all of its account's; a key of another account gets nothing, requests or exports. One
key's URL is neither shown to nor changed by another key."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from sqlalchemy import Engine

from brandkit.config import Settings
from tests.factories import Factory
from tests.generation.conftest import AssetServer
from tests.storage.conftest import Live, live_app
from tests.webhooks.conftest import HOOK_SETTINGS, Receiver, receiving

PAGE = b"<html><head><title>Acme</title></head><body>Acme</body></html>"
EXPORT = {"exportType": "contacts", "delimiter": ";", "dateFormat": "L", "version": "v2"}


@pytest.fixture
def hooks(settings: Settings, engine: Engine) -> Iterator[Live]:
    yield from live_app(settings, engine, "local", None, **HOOK_SETTINGS)


@pytest.fixture
def site() -> Iterator[AssetServer]:
    server = AssetServer()
    server.files["/a.html"] = (PAGE, "text/html")
    yield server
    server.close()


def _hook(live: Live, headers: dict[str, str], url: str) -> None:
    r = live.http.post("/update-webhook", json={"webhookUrl": url}, headers=headers)
    assert r.status_code == 200, r.text


def _extract(live: Live, headers: dict[str, str], site: AssetServer, **extra: Any) -> str:
    body = {"brandUrl": f"{site.url}/a.html", **extra}
    r = live.http.post("/brand/extract", json=body, headers=headers)
    assert r.status_code == 200, r.text
    request_id: str = r.json()["body"]["requestId"]
    return request_id


def _requests_seen(receiver: Receiver) -> set[str]:
    return {d.json["body"]["requestId"] for d in receiver.accepted()}


def test_a_keys_webhook_gets_only_what_the_key_can_read(
    hooks: Live, factory: Factory, site: AssetServer
) -> None:
    a = factory.tenant(tier="super")
    alice = factory.key(a.account_id, "general", user="alice")
    bob = factory.key(a.account_id, "general", user="bob")
    b = factory.tenant(tier="enterprise")
    with ExitStack() as stack:
        receivers = {
            name: stack.enter_context(receiving(f"/{name}"))
            for name in ("super", "alice", "bob", "other")
        }
        _hook(hooks, a.headers, receivers["super"].url)
        _hook(hooks, alice, receivers["alice"].url)
        _hook(hooks, bob, receivers["bob"].url)
        _hook(hooks, b.headers, receivers["other"].url)

        r = hooks.http.post(
            "/super/login-user", json={"abstractUserId": "alice"}, headers=a.headers
        )
        token = {"sivi-api-key": r.json()["body"]["accessToken"]}
        by_alice = _extract(hooks, alice, site)
        by_alice_token = _extract(hooks, token, site)
        for_bob = _extract(hooks, a.headers, site, abstractUserId="bob")
        in_b = _extract(hooks, b.headers, site)

        everything = {by_alice, by_alice_token, for_bob}
        receivers["super"].wait_for(lambda got: len(got) >= 9)
        receivers["other"].wait_for(lambda got: len(got) >= 3)
        time.sleep(1.0)  # and nothing more arrives anywhere
        assert _requests_seen(receivers["super"]) == everything
        assert _requests_seen(receivers["alice"]) == {by_alice, by_alice_token}
        assert _requests_seen(receivers["bob"]) == {for_bob}
        assert _requests_seen(receivers["other"]) == {in_b}

        # A login token may not point its user's events anywhere.
        r = hooks.http.post("/update-webhook", json={"webhookUrl": site.url}, headers=token)
        assert r.status_code == 403
        assert r.json()["body"]["message"] == "Webhooks are set with an API key, not a login token"
        # Bob removing his URL leaves Alice's in place.
        r = hooks.http.post("/update-webhook", json={"webhookUrl": None}, headers=bob)
        assert r.status_code == 200
        again = _extract(hooks, alice, site)
        receivers["alice"].wait_for(lambda got: again in {d.json["body"]["requestId"] for d in got})


def test_export_webhooks_stay_in_their_account(hooks: Live, factory: Factory) -> None:
    scopes = ["export:read", "export:write"]
    a = factory.tenant(scopes=scopes)
    b = factory.tenant(scopes=scopes)
    with receiving("/a") as got_a, receiving("/b") as got_b:
        for tenant, receiver in ((a, got_a), (b, got_b)):
            r = hooks.http.put("/webhooks/", json={"url": receiver.url}, headers=tenant.headers)
            assert r.status_code == 200, r.text
        # Another key of A sees no URL of its own (the first key's is not shown to it).
        other_key = factory.key(a.account_id, "enterprise", scopes)
        assert hooks.http.get("/webhooks/", headers=other_key).json()["url"] is None
        r = hooks.http.post("/exports/", json=EXPORT, headers=a.headers)
        assert r.status_code == 201, r.text
        got_a.wait_for(lambda got: len(got) == 1)
        time.sleep(1.0)
        assert got_b.received == []
        assert got_a.accepted()[0].json["id"] == r.json()["id"]
