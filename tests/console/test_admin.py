"""Users, keys and account analysis in the console: only for the tiers the API allows them (a
general key or login token sees neither the pages nor their links), every change behind the
session's CSRF token, a new key shown once and never beyond the creating key's rights, another
account's key id answered as an unknown one; and the pages in a real browser, checked by axe."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from brandkit.config import Settings
from tests.browsers import serious_violations
from tests.console.conftest import OUTPUT, WIDTHS, signed_in_page
from tests.console.helpers import csrf_of, sign_in
from tests.factories import Factory
from tests.storage.conftest import Live, live_app

NAV = ('href="/console/users"', 'href="/console/keys"', 'href="/console/analysis"')


def _nav(html: str) -> str:
    return html.split("<main")[0]


def test_a_general_key_and_a_login_token_see_no_users_or_keys(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant(tier="super")
    token = client.post(
        "/super/login-user", json={"abstractUserId": "alice"}, headers=t.headers
    ).json()["body"]["accessToken"]
    general = factory.key(t.account_id, "general", user="bob")["sivi-api-key"]
    for credential in (general, token):
        client.cookies.clear()
        sign_in(client, credential)
        nav = _nav(client.get("/console/designs").text)
        assert not any(link in nav for link in NAV)
        for path in ("/console/users", "/console/keys", "/console/analysis"):
            assert client.get(path).status_code == 403, path
        csrf = csrf_of(client.get("/console/designs").text)
        r = client.post(
            "/console/users/action",
            data={"csrf": csrf, "action": "delete", "abstractUserId": "alice"},
        )
        assert r.status_code == 403
        r = client.post(
            "/console/keys/action", data={"csrf": csrf, "action": "create", "tier": "general"}
        )
        assert r.status_code == 403
    # alice is still there.
    assert (
        client.post(
            "/super/login-user", json={"abstractUserId": "alice"}, headers=t.headers
        ).status_code
        == 200
    )


def test_users_delete_reactivate_and_credit_limit(client: TestClient, factory: Factory) -> None:
    t = factory.tenant(tier="super")
    factory.user(t.account_id, "alice")
    sign_in(client, t.token)
    page = client.get("/console/users").text
    assert "alice" in page
    csrf = csrf_of(page)
    act = {"csrf": csrf, "abstractUserId": "alice"}
    r = client.post("/console/users/action", data={**act, "csrf": "x", "action": "delete"})
    assert r.status_code == 403
    r = client.post("/console/users/action", data={**act, "action": "delete"})
    assert r.status_code == 200
    assert "alice was deleted" in r.text
    r = client.post("/super/reactivate-user", json={"abstractUserId": "nobody"}, headers=t.headers)
    assert r.status_code == 400
    r = client.post("/console/users/action", data={**act, "action": "reactivate"})
    assert "alice was reactivated" in r.text
    r = client.post("/console/users/action", data={**act, "action": "limit", "creditLimit": "-5"})
    assert r.status_code == 422
    r = client.post("/console/users/action", data={**act, "action": "limit", "creditLimit": "7"})
    assert "The credit limit of alice is now 7" in r.text
    r = client.post(
        "/console/users/action",
        data={**act, "abstractUserId": "ghost", "action": "delete"},
    )
    assert r.status_code == 400
    assert "User does not exist" in r.text


def test_keys_are_shown_once_and_never_beyond_the_creators_rights(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant(tier="super", scopes=["export:read"])
    other = factory.tenant(tier="enterprise")
    sign_in(client, t.token)
    page = client.get("/console/keys").text
    csrf = csrf_of(page)
    assert '<option value="enterprise">' not in page
    create = {"csrf": csrf, "action": "create", "tier": "general", "abstractUserId": "carol"}
    r = client.post("/console/keys/action", data={**create, "tier": "enterprise"})
    assert r.status_code == 403
    r = client.post("/console/keys/action", data={**create, "scope": "export:write"})
    assert r.status_code == 403
    r = client.post("/console/keys/action", data=create)
    assert r.status_code == 200
    token = r.text.split('id="new-token" readonly value="')[1].split('"')[0]
    key_id = token.split(":")[0]
    assert client.post("/media/get", json={}, headers={"sivi-api-key": token}).status_code == 200
    listed = client.get("/console/keys").text
    assert key_id in listed
    assert token.split(":")[1] not in listed  # shown once
    r = client.post(
        "/console/keys/action", data={"csrf": csrf, "action": "revoke", "keyId": other.key_id}
    )
    assert r.status_code == 404
    assert client.post("/media/get", json={}, headers=other.headers).status_code == 200
    r = client.post(
        "/console/keys/action", data={"csrf": csrf, "action": "revoke", "keyId": key_id}
    )
    assert r.status_code == 200
    assert client.post("/media/get", json={}, headers={"sivi-api-key": token}).status_code == 401


@pytest.fixture
def live(settings: Settings, engine: Engine) -> Iterator[Live]:
    yield from live_app(settings, engine, "local", None)


def test_admin_pages_in_the_browser(live: Live, factory: Factory, browser: Any) -> None:
    t = factory.tenant(tier="enterprise")
    factory.variants(factory.design(t.user), 3)
    factory.user(t.account_id, "alice")
    pg = signed_in_page(browser, live.url, t.token)
    for name in ("Users", "Keys", "Analysis"):
        pg.get_by_role("link", name=name, exact=True).click()
        if name == "Analysis":
            pg.get_by_label("End user (abstract id)").fill("admin")
            pg.get_by_role("button", name="Show").click()
            assert (
                pg.get_by_role(
                    "img", name="Variants generated, edited and downloaded per month"
                ).count()
                == 1
            )
        assert serious_violations(pg) == [], name
        for label, width in WIDTHS.items():
            pg.set_viewport_size({"width": width, "height": 900})
            pg.screenshot(path=str(OUTPUT / f"{name.lower()}-{label}.png"), full_page=True)
            assert pg.evaluate("document.documentElement.scrollWidth") <= width, (name, label)
        pg.set_viewport_size({"width": 1280, "height": 900})
    pg.get_by_role("link", name="Keys", exact=True).click()
    pg.get_by_label("Tier").select_option("general")
    pg.get_by_role("button", name="Create key").click()
    shown = pg.get_by_label("The new key").input_value()
    assert live.http.post("/media/get", json={}, headers={"sivi-api-key": shown}).status_code == 200
