"""The console's session rules (SPEC 10): sign-in with a key or a login token into an HttpOnly,
SameSite=Strict, signed, expiring cookie; a CSRF token on every form; a revoked key or a deleted
user ends the session at its next request; a session sees exactly what its key may see."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from brandkit.accounts import service as accounts
from brandkit.console import session as cookies
from brandkit.db import transaction
from tests.console.helpers import csrf_of, sign_in
from tests.factories import Factory


def test_pages_need_a_session(client: TestClient) -> None:
    for path in ("/console", "/console/designs"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/console/sign-in"


def test_sign_in_sets_a_strict_http_only_cookie_and_shows_the_users_variants(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant(tier="general")
    mine = factory.variants(factory.design(t.user), 3)
    other = factory.tenant(tier="general")
    theirs = factory.variants(factory.design(other.user), 2)
    r = sign_in(client, t.token)
    assert r.status_code == 303
    assert r.headers["location"] == "/console/designs"
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and "bk_console=" in v)
    for flag in ("HttpOnly", "SameSite=strict", "Path=/console", "Max-Age=28800"):
        assert flag.lower() in cookie.lower(), cookie
    assert t.token.split(":")[1] not in cookie  # the key's secret never goes into the cookie
    page = client.get("/console/designs")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for v in mine:
        assert v.id in page.text
    for v in theirs:
        assert v.id not in page.text


def test_a_wrong_key_is_refused_and_a_form_without_its_token_too(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant(tier="general")
    r = sign_in(client, t.token.split(":")[0] + ":wrong")
    assert r.status_code == 401
    assert "not valid" in r.text
    assert "bk_console=" not in r.headers.get("set-cookie", "")
    # Without the form's token (a cross-site post) nothing happens.
    r = client.post("/console/sign-in", data={"token": t.token}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/console/designs", follow_redirects=False).status_code == 303
    # Signed in, sign-out needs the session's token as well.
    sign_in(client, t.token)
    r = client.post("/console/sign-out", data={"csrf": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/console/designs").status_code == 200
    page = client.get("/console/designs")
    r = client.post("/console/sign-out", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/console/designs", follow_redirects=False).status_code == 303


def test_a_revoked_key_ends_the_session_at_its_next_request(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant(tier="enterprise")
    sign_in(client, t.token)
    assert client.get("/console/designs").status_code == 200
    with transaction(factory.sessions, write=True) as s:
        accounts.revoke_key(s, t.key_id)
    r = client.get("/console/designs", follow_redirects=False)
    assert r.status_code == 303
    assert 'bk_console=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]


def test_a_login_token_session_ends_with_its_user(client: TestClient, factory: Factory) -> None:
    t = factory.tenant(tier="super")
    token = client.post(
        "/super/login-user", json={"abstractUserId": "alice"}, headers=t.headers
    ).json()["body"]["accessToken"]
    r = sign_in(client, token)
    assert r.status_code == 303
    page = client.get("/console/designs")
    assert "alice (login token)" in page.text
    r = client.post("/super/delete-user", json={"abstractUserId": "alice"}, headers=t.headers)
    assert r.status_code == 200, r.text
    assert client.get("/console/designs", follow_redirects=False).status_code == 303


def test_a_forged_or_expired_cookie_is_no_session(
    client: TestClient, factory: Factory, settings: object
) -> None:
    t = factory.tenant(tier="enterprise")
    key = client.app.state.settings.signing_key  # type: ignore[attr-defined]
    expired = cookies.open_session(key, t.key_id, t.user.id, False, -10)
    forged = cookies.open_session(
        b"another-key-of-at-least-32-chars!!", t.key_id, t.user.id, False, 60
    )
    for value in (expired, forged, "v1.garbage", "v1.e30.e30"):
        client.cookies.set(cookies.COOKIE, value, path="/console")
        assert client.get("/console/designs", follow_redirects=False).status_code == 303
        client.cookies.clear()


def test_type_filter_and_cursor_paging(client: TestClient, factory: Factory) -> None:
    t = factory.tenant(tier="general")
    design = factory.design(t.user)
    generated = factory.variants(design, 30)
    edited = factory.variants(design, 2, variant_type="EDITED")
    sign_in(client, t.token)
    only_edited = client.get("/console/designs", params={"type": "edited"}).text
    assert all(v.id in only_edited for v in edited)
    assert not any(v.id in only_edited for v in generated)
    first = client.get("/console/designs").text
    assert first.count('class="variant"') == 24
    next_link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_link).text
    assert second.count('class="variant"') == 32 - 24
    shown = {v.id for v in [*generated, *edited] if v.id in first or v.id in second}
    assert len(shown) == 32
    # A tampered cursor starts again at the first page instead of failing.
    r = client.get("/console/designs", params={"cursor": "tampered"}, follow_redirects=False)
    assert r.status_code == 303


def test_the_design_form_runs_the_api_rules_and_stores_nothing_on_refusal(
    client: TestClient, factory: Factory, engine: Engine
) -> None:
    from sqlalchemy import func, select

    from brandkit.credits import service as credits
    from brandkit.db import utcnow
    from brandkit.jobs.runner import Worker
    from brandkit.requests.models import Request

    t = factory.tenant(tier="general")
    sign_in(client, t.token)
    csrf = csrf_of(client.get("/console/designs").text)
    good = {"csrf": csrf, "name": "Bakery", "format": "instagram:instagram-post"}
    good |= {"title": "Fresh bread", "numOfVariants": "1"}

    def stored() -> int:
        with transaction(factory.sessions) as s:
            return int(s.scalar(select(func.count()).select_from(Request)) or 0)

    r = client.post("/console/designs/new", data={**good, "csrf": "x"}, follow_redirects=False)
    assert r.status_code == 403
    r = client.post("/console/designs/new", data={**good, "format": "instagram:nope"})
    assert r.status_code == 422
    assert "Invalid type and subType combination" in r.text
    r = client.post("/console/designs/new", data={**good, "numOfVariants": "9"})
    assert r.status_code == 422
    assert "numOfVariants" in r.text
    with transaction(factory.sessions, write=True) as s:
        credits.set_cycle(s, t.account_id, 0, 30, utcnow())
    r = client.post("/console/designs/new", data=good)
    assert r.status_code == 402
    assert "Not enough credits to complete the transaction" in r.text
    assert stored() == 0  # every refusal took back what it had begun
    with transaction(factory.sessions, write=True) as s:
        credits.set_cycle(s, t.account_id, 10, 30, utcnow())

    r = client.post("/console/designs/new", data=good, follow_redirects=False)
    assert r.status_code == 303
    request_id = r.headers["location"].rsplit("/", 1)[1]
    assert client.get(f"/console/requests/{request_id}").status_code == 200
    assert client.get(f"/console/requests/{request_id}/status").json()["status"] == "pending"
    app = client.app
    Worker(engine, app.state.settings, app.state.storage).run_once()  # type: ignore[attr-defined]
    done = client.get(f"/console/requests/{request_id}/status").json()
    assert done["status"] == "completed"
    page = client.get(f"/console/requests/{request_id}").text
    assert done["result"]["variations"][0]["variantId"] in page
    # Another user's request is unknown to this session.
    other = factory.tenant(tier="general")
    client.cookies.clear()
    sign_in(client, other.token)
    assert client.get(f"/console/requests/{request_id}/status").status_code == 404
