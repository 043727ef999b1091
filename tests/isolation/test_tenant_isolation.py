"""Tenant isolation matrix: account B, holding an enterprise key with every scope, names account A's
ids on every route that takes an id. Each answer must be exactly the answer to a random id that
exists nowhere (same status, same body once the id itself is masked): B can neither read nor
change A's data, nor learn that it exists. After B's attempts, A's data is as it was.

The table ``PROBES`` lists, per route, the request and the kind of id it carries; the coverage
test fails when a route taking an id-like field is not in it, so new routes get a row.
"""

from __future__ import annotations

import json
import re
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from brandkit.accounts.models import Brand
from brandkit.db import transaction
from brandkit.kit.cursors import encode_cursor
from brandkit.kit.ids import brand_id, media_id, short_id
from brandkit.kit.render import uses_problem_style
from tests.exports.helpers import run_jobs, seed, segment
from tests.factories import Factory, Tenant
from tests.storage.samples import image_bytes, ttf_bytes

UPLOAD_KEY_IN_URL = re.compile(r"uploads/[A-Za-z0-9_-]{22}")
ALL_SCOPES = ["export:read", "export:write", "contacts:write", "activities:write"]
ID = "$ID"


@dataclass
class World:
    """Account A's ids by kind, and B's key."""

    a: Tenant
    b: Tenant
    ids: dict[str, Any]
    factory: Factory
    check_a_intact: list[Callable[[TestClient], None]] = field(default_factory=list)


def _random_id(kind: str, like: str) -> str:
    if kind in ("uploadUrl", "uploadedURL"):
        # The same URL shape, signature and all, naming an upload that exists nowhere.
        return UPLOAD_KEY_IN_URL.sub(f"uploads/{secrets.token_urlsafe(16)}", like)
    if kind == "email":
        return f"nobody-{short_id()}@example.com"
    ids = (
        "designId", "userId", "workspaceId", "exportId", "segmentId", "requestId", "contactId",
        "fontId",
    )  # fmt: skip
    if kind in ids:
        return (
            str(uuid.uuid4()) if _is_uuid(like) else secrets.token_urlsafe(len(like))[: len(like)]
        )
    if kind == "mId":
        return media_id()
    if kind == "bId":
        return brand_id()
    if kind == "abstractUserId":
        return f"nobody-{short_id()}"
    if kind == "cursor":
        return encode_cursor(b"not-the-server-key", "nowhere", [0, "x"])
    return secrets.token_urlsafe(len(like))[: len(like)]


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Probe:
    """``path`` is the route as the OpenAPI document names it; ``url`` (default: the path) is what
    is called, with ``$`` placeholders filled; ``query`` goes in the query string as is."""

    method: str
    path: str
    kind: str
    body: dict[str, Any] | None = None
    url: str | None = None
    query: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.path} {self.kind}"


# Every route of the design-asset family that takes an id, by id kind. GET forms are derived.
PROBES = [
    Probe("POST", "/enterprise/get-design-variants", "designId", {"designId": ID}),
    Probe("POST", "/enterprise/get-design-variants", "userId", {"userId": ID}),
    Probe("POST", "/enterprise/get-design-variants", "workspaceId", {"workspaceId": ID}),
    Probe(
        "POST",
        "/enterprise/get-design-variants",
        "abstractUserId",
        {"workspaceId": "$B_WORKSPACE", "abstractUserId": ID},
    ),
    Probe(
        "POST", "/enterprise/get-design-variants", "cursor", {"designId": "$B_DESIGN", "cursor": ID}
    ),
    Probe(
        "POST",
        "/enterprise/export-data",
        "abstractUserId",
        {"abstractUserId": ID, "startDate": "$START", "endDate": "$END"},
    ),
    Probe(
        "POST",
        "/enterprise/export-data",
        "cursor",
        {"abstractUserId": "admin", "startDate": "$START", "endDate": "$END", "cursor": ID},
    ),
    Probe("POST", "/media/get", "mId", {"mId": ID}),
    Probe("POST", "/media/get", "bId", {"bId": ID}),
    Probe("POST", "/media/get", "abstractUserId", {"abstractUserId": ID}),
    Probe("POST", "/media/get", "cursor", {"cursor": ID}),
    Probe("POST", "/super/delete-user", "abstractUserId", {"abstractUserId": ID}),
    Probe("POST", "/super/reactivate-user", "abstractUserId", {"abstractUserId": ID}),
    Probe(
        "POST",
        "/super/set-user-credit-limit",
        "abstractUserId",
        {"abstractUserId": ID, "creditLimit": 1},
    ),
    Probe(
        "POST",
        "/enterprise/update-user-plan",
        "abstractUserId",
        {"abstractUserId": ID, "planId": "p"},
    ),
    Probe("POST", "/media/update", "mId", {"mId": ID, "hueRotations": [1]}),
    Probe("POST", "/media/update", "abstractUserId", {"mId": "$A_MEDIA", "abstractUserId": ID}),
    Probe("POST", "/media/delete", "mId", {"mIds": [ID]}),
    Probe("POST", "/media/delete", "abstractUserId", {"mIds": ["$A_MEDIA"], "abstractUserId": ID}),
    Probe("POST", "/files/get-presigned-url", "bId", {"type": "photo", "bId": ID}),
    Probe(
        "POST",
        "/files/get-presigned-url",
        "abstractUserId",
        {"type": "photo", "abstractUserId": ID},
    ),
]
# Uploads, fonts and their request ids.
_DESIGN = {"name": "n", "type": "instagram", "subtype": "instagram-post", "numOfVariants": 1}
_CONTENT = {**_DESIGN, "content": {"title": "Hello"}}
_PROMPT = {**_DESIGN, "prompt": "a summer sale with 20% off"}
_SYSTEM_FONT = "gtnT7o1Zong"
for _path, _body in (("/designs-from-content", _CONTENT), ("/designs-from-prompt", _PROMPT)):
    PROBES += [
        Probe("POST", _path, "mId", {**_body, "assets": {"siviAssets": [{"mId": ID}]}}),
        Probe("POST", _path, "abstractUserId", {**_body, "abstractUserId": ID}),
        Probe("POST", _path, "bId", {**_body, "settings": {"mode": "brand", "currentbId": ID}}),
        Probe(
            "POST",
            _path,
            "fontId",
            {
                **_body,
                "fontGroups": [
                    {"id": ID, "type": "heading"},
                    {"id": _SYSTEM_FONT, "type": "subHeading"},
                    {"id": _SYSTEM_FONT, "type": "body"},
                ],
            },
        ),
    ]
_BRAND = {"brandName": "n", "brandDescription": "d"}
PROBES += [
    Probe("POST", "/brand/create", "abstractUserId", {**_BRAND, "abstractUserId": ID}),
    Probe("POST", "/set-brand-manual", "abstractUserId", {**_BRAND, "abstractUserId": ID}),
    Probe(
        "POST", "/enterprise/set-brand", "abstractUserId", {"abstractUserId": ID, "brand": _BRAND}
    ),
    Probe("POST", "/brand/get", "bId", {"bId": ID}),
    Probe("POST", "/brand/get", "abstractUserId", {"abstractUserId": ID}),
    Probe("POST", "/brand/get", "cursor", {"cursor": ID}),
    Probe("POST", "/get-brands", "bId", {"bId": ID}),
    Probe("POST", "/get-brands", "abstractUserId", {"abstractUserId": ID}),
    Probe("POST", "/get-brands", "cursor", {"cursor": ID}),
    Probe("POST", "/brand/update", "bId", {"bId": ID, "brandName": "taken over"}),
    Probe("POST", "/brand/update", "abstractUserId", {"bId": "$A_BRAND", "abstractUserId": ID}),
    Probe("POST", "/brand/archive", "bId", {"bId": ID}),
    Probe("POST", "/brand/archive", "abstractUserId", {"bId": "$A_BRAND", "abstractUserId": ID}),
    Probe("POST", "/brand/set-default", "bId", {"bId": ID}),
    Probe(
        "POST", "/brand/set-default", "abstractUserId", {"bId": "$A_BRAND", "abstractUserId": ID}
    ),
]
PROBES += [
    Probe("POST", "/enterprise/account-analysis", "abstractUserId", {"abstractUserId": ID}),
    Probe(
        "POST",
        "/brand/extract",
        "abstractUserId",
        {"brandUrl": "https://e.com", "abstractUserId": ID},
    ),
    Probe(
        "POST",
        "/extract-brand",
        "abstractUserId",
        {"brandUrl": "https://e.com", "abstractUserId": ID},
    ),
    Probe("POST", "/get-fonts", "cursor", {"source": "user", "limit": 1, "cursor": ID}),
]
PROBES.append(
    Probe(
        "POST",
        "/content-from-prompt",
        "abstractUserId",
        {
            "prompt": "a sale",
            "type": "instagram",
            "subtype": "instagram-post",
            "abstractUserId": ID,
        },
    )
)
PROBES += [
    Probe("POST", "/media/create", "uploadUrl", {"type": "photo", "uploadUrl": ID}),
    Probe("POST", "/media/create", "bId", {"type": "photo", "uploadUrl": "$B_UPLOAD", "bId": ID}),
    Probe("POST", "/font/create", "uploadedURL", {"uploadedURL": ID}),
    Probe("POST", "/font/create", "uploadedURL", {"uploadedURL": ["$B_FONT_UPLOAD", ID]}),
    Probe("POST", "/font/get", "cursor", {"source": "user", "limit": 1, "cursor": ID}),
    Probe("POST", "/get-request-status", "requestId", {"requestId": ID}),
]
# The bulk-export family and the marketing data: ids in the path, the query and the body.
PROBES += [
    Probe("GET", "/exports/{export_id}", "exportId", url=f"/exports/{ID}"),
    Probe("GET", "/exports/", "cursor", query={"limit": 1, "cursor": ID}),
    # B's own signed download URL with A's export id put in: the signature binds the id.
    Probe("GET", "/exports/{export_id}/file", "exportId", url=f"/exports/{ID}/file?$B_FILE_QUERY"),
    Probe(
        "POST",
        "/exports/",
        "segmentId",
        {
            "exportType": "contacts",
            "delimiter": ",",
            "dateFormat": "ISO",
            "filters": {"segmentId": ID},
        },
    ),
    Probe("GET", "/segments/{segment_id}", "segmentId", url=f"/segments/{ID}"),
    Probe(
        "POST",
        "/segments/{segment_id}/members",
        "segmentId",
        {"add": []},
        url=f"/segments/{ID}/members",
    ),
    Probe(
        "POST",
        "/segments/{segment_id}/members",
        "contactId",
        {"add": [ID]},
        url="/segments/$B_SEGMENT/members",
    ),
    Probe(
        "POST",
        "/segments/{segment_id}/members",
        "contactId",
        {"remove": [ID]},
        url="/segments/$B_SEGMENT/members",
    ),
    Probe(
        "POST",
        "/activities/",
        "contactId",
        {"activities": [{"contactId": ID, "type": "login", "occurredAt": "2026-01-02T03:04:05Z"}]},
    ),
    # Upserting by A's email makes a contact of B's own, exactly as an email nobody has would.
    Probe("POST", "/contacts/", "email", {"contacts": [{"email": ID, "firstName": "Mallory"}]}),
]
# login-user takes an abstractUserId too, but makes the user in the caller's own account: tested
# on its own below.
NOT_PROBED = {("POST", "/super/login-user")}
ID_FIELDS = {
    "designId", "userId", "workspaceId", "abstractUserId", "mId", "mIds", "bId", "cursor",
    "nextCursor", "uploadUrl", "uploadedURL", "requestId", "segmentId", "exportId", "id",
    "export_id", "segment_id", "contactId", "add", "remove",
}  # fmt: skip


def _live_probes(app: FastAPI) -> list[Probe]:
    paths = app.openapi()["paths"]
    probes = []
    for probe in PROBES:
        probes.append(probe)
        derivable = probe.method == "POST" and not uses_problem_style(probe.path)
        if derivable and "get" in paths.get(probe.path, {}):
            probes.append(Probe("GET", probe.path, probe.kind, probe.body))
    return probes


def _upload(client: TestClient, t: Tenant, kind: str, data: bytes) -> str:
    ext = "ttf" if kind == "font" else "png"
    grant = client.post(
        "/files/get-presigned-url", json={"type": kind, "extension": ext}, headers=t.headers
    )
    assert grant.status_code == 200, grant.text
    url: str = grant.json()["body"]["uploadUrl"]
    r = client.put(url, content=data, headers=grant.json()["body"]["headers"])
    assert r.status_code == 200, r.text
    return url


def _finished_export(client: TestClient, app: FastAPI, t: Tenant) -> dict[str, Any]:
    body = {"exportType": "contacts", "delimiter": ",", "dateFormat": "ISO"}
    r = client.post("/exports/", json=body, headers=t.headers)
    assert r.status_code == 201, r.text
    run_jobs(app)
    got: dict[str, Any] = client.get(f"/exports/{r.json()['id']}", headers=t.headers).json()
    assert got["status"] == "finished", got
    return got


def _seed_uploads_and_marketing(client: TestClient, app: FastAPI, w: World) -> None:
    """A's pending uploads, fonts, a font request, exports, contacts and a segment; B's own
    upload, segment and a signed download URL of B's export."""
    a, b = w.a, w.b
    urls = [_upload(client, a, "font", ttf_bytes(f"Alpha {n}")) for n in ("One", "Two")]
    r = client.post("/font/create", json={"uploadedURL": urls}, headers=a.headers)
    assert r.status_code == 200, r.text
    status = client.post("/get-request-status", json=r.json()["body"], headers=a.headers)
    font_id = status.json()["body"]["result"]["fonts"][0]["id"]
    made = seed(factory_sessions(w), a.account_id, contacts=2, activities=2, start=_recent())
    exports = [_finished_export(client, app, a) for _ in range(2)]
    b_export = _finished_export(client, app, b)
    w.ids |= {
        "uploadUrl": _upload(client, a, "photo", image_bytes("png")),
        "uploadedURL": _upload(client, a, "font", ttf_bytes("Alpha Three")),
        "requestId": r.json()["body"]["requestId"],
        "fontId": font_id,
        "exportId": exports[0]["id"],
        "segmentId": segment(factory_sessions(w), a.account_id, made.contacts[:1]),
        "contactId": made.contacts[0].id,
        "email": made.contacts[0].email,
        # Registering consumes an upload: each call gets a fresh one.
        "$B_UPLOAD": lambda: _upload(client, b, "photo", image_bytes("png")),
        "$B_FONT_UPLOAD": lambda: _upload(client, b, "font", ttf_bytes("Beta Sans")),
        "$B_SEGMENT": segment(factory_sessions(w), b.account_id, []),
        "$B_FILE_QUERY": urlsplit(b_export["fileUrl"]).query,
        "$B_EXPORT": b_export["id"],
    }


def factory_sessions(w: World) -> Any:
    return w.factory.sessions


def _recent() -> datetime:
    return datetime.now(UTC) - timedelta(days=3)


def _seed(factory: Factory) -> World:
    a = factory.tenant(scopes=ALL_SCOPES, user="alice")
    b = factory.tenant(scopes=ALL_SCOPES, user="admin")
    design = factory.design(a.user)
    factory.variants(design, 3)
    media = factory.media(a.user, 3, brand_id=None)
    factory.content(a.user, 2)
    brand = Brand(
        id=brand_id(), account_id=a.account_id, workspace_id=a.workspace.id, name="A's brand"
    )
    with transaction(factory.sessions, write=True) as s:
        s.add(brand)
    b_design = factory.design(b.user)
    factory.variants(b_design, 1)
    ids = {
        "designId": design.id,
        "userId": a.user.id,
        "workspaceId": a.workspace.id,
        "abstractUserId": "alice",
        "mId": media[0].id,
        "bId": brand.id,
        "$B_WORKSPACE": b.workspace.id,
        "$B_DESIGN": b_design.id,
    }
    return World(a, b, ids, factory)


def _fill(value: Any, subs: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return subs.get(value, value)
    if isinstance(value, list):
        return [_fill(v, subs) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, subs) for k, v in value.items()}
    return value


def _call(client: TestClient, probe: Probe, subs: dict[str, Any], headers: dict[str, str]) -> Any:
    subs = {k: v() if callable(v) else v for k, v in subs.items()}
    url = probe.url or probe.path
    for name, value in subs.items():
        if name.startswith("$") and isinstance(value, str):
            url = url.replace(name, value)
    body = _fill(probe.body, subs)
    query = _fill(probe.query, subs)
    if probe.query is not None or (probe.method == "GET" and probe.body is None):
        r = client.request(probe.method, url, params=query, headers=headers)
    elif probe.method == "GET":
        r = client.get(url, params={"queryParams": json.dumps(body)}, headers=headers)
    else:
        r = client.request(probe.method, url, json=body, headers=headers)
    return r.status_code, _shape(json.loads(r.text.replace(str(subs[ID]), "<id>")))


_CLOCK_FIELDS = frozenset({"createdOn", "createdAt"})


def _shape(value: Any) -> Any:
    """A success body with its strings masked (upload URLs, file names and the like are made
    anew on every call) but every key, number and list length kept: those would betray data."""
    if isinstance(value, dict):
        if set(value) == {"status", "body"} and value["status"] >= 400:
            return value
        if {"title", "detail"} <= set(value) and value.get("status", 0) >= 400:
            return value
        # Creation times come from the clock of each call (two calls may straddle a second).
        return {k: "<time>" if k in _CLOCK_FIELDS else _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return "<str>" if isinstance(value, str) and value != "<id>" else value


def _a_cursor(client: TestClient, world: World, probe: Probe) -> str:
    """A real cursor of account A (of the same list where A has one): B must not use it."""
    if probe.path == "/exports/":
        r = client.get("/exports/", params={"limit": 1}, headers=world.a.headers)
        assert r.status_code == 200, r.text
        next_link: str = r.json()["links"]["next"]
        (token,) = parse_qs(urlsplit(next_link).query)["cursor"]
        return token
    path, body = "/enterprise/get-design-variants", {"designId": world.ids["designId"], "limit": 1}
    if probe.path == "/media/get":
        path, body = probe.path, {"abstractUserId": "alice", "limit": 1}
    if probe.path == "/font/get":
        path, body = probe.path, {"source": "user", "limit": 1}
    r = client.post(path, json=body, headers=world.a.headers)
    assert r.status_code == 200, r.text
    found = r.json()["body"]
    cursor: str = found["meta"]["cursor"] if probe.path == "/font/get" else found["cursor"]
    assert cursor is not None
    return cursor


def _common_subs(world: World) -> dict[str, Any]:
    now = int(time.time())
    return {
        "$START": now - 30 * 86400,
        "$END": now,
        "$A_MEDIA": world.ids["mId"],
        "$A_BRAND": world.ids["bId"],
        **{k: v for k, v in world.ids.items() if k.startswith("$")},
    }


@pytest.fixture
def world(factory: Factory, client: TestClient, app: FastAPI) -> World:
    w = _seed(factory)
    _seed_uploads_and_marketing(client, app, w)
    return w


def test_every_route_with_an_id_field_is_in_the_matrix(app: FastAPI) -> None:
    covered = {(p.method, p.path) for p in _live_probes(app)} | NOT_PROBED
    missing = []
    for path, ops in app.openapi()["paths"].items():
        for method, op in ops.items():
            names = {p["name"] for p in op.get("parameters", [])}
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            names |= _schema_fields(app, body.get("schema", {}))
            if "queryParams" in names and ("POST", path) in covered:
                names.discard("queryParams")
            if names & ID_FIELDS and (method.upper(), path) not in covered:
                missing.append(f"{method.upper()} {path}: {sorted(names & ID_FIELDS)}")
    assert not missing, "add these routes to PROBES in tests/isolation: " + "; ".join(missing)


def _schema_fields(app: FastAPI, schema: dict[str, Any], depth: int = 0) -> set[str]:
    """Property names of the body, nested objects and list items included."""
    ref = schema.get("$ref")
    if ref:
        schema = app.openapi()["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    if depth > 4:
        return set()
    names = set(schema.get("properties", {}))
    children = [*schema.get("properties", {}).values(), *schema.get("anyOf", [])]
    if "items" in schema:
        children.append(schema["items"])
    for child in children:
        names |= _schema_fields(app, child, depth + 1)
    return names


def test_another_accounts_ids_answer_like_random_ids(
    client: TestClient, app: FastAPI, world: World
) -> None:
    failures = []
    for probe in _live_probes(app):
        subs = _common_subs(world)
        if probe.kind == "cursor":
            theirs = _a_cursor(client, world, probe)
        else:
            theirs = world.ids[probe.kind]
        random = _random_id(probe.kind, theirs)
        if probe.kind == "cursor":
            random = theirs[:-4] + ("AAAA" if not theirs.endswith("AAAA") else "BBBB")
        foreign = _call(client, probe, {**subs, ID: theirs}, world.b.headers)
        unknown = _call(client, probe, {**subs, ID: random}, world.b.headers)
        if foreign != unknown:
            failures.append(f"{probe.label}: A's id -> {foreign}, random id -> {unknown}")
        assert foreign[0] < 500, (probe.label, foreign)
    assert not failures, "\n".join(failures)


def test_account_a_is_intact_after_b_tried_everything(
    client: TestClient, app: FastAPI, world: World
) -> None:
    def a_view() -> list[Any]:
        views = []
        for path, body in [
            ("/enterprise/get-design-variants", {"designId": world.ids["designId"]}),
            ("/media/get", {"abstractUserId": "alice"}),
            ("/enterprise/export-data", {"abstractUserId": "alice", **_window()}),
        ]:
            r = client.post(path, json=body, headers=world.a.headers)
            assert r.status_code == 200, r.text
            views.append(r.json())
        r = client.post("/font/get", json={"source": "user"}, headers=world.a.headers)
        views.append(r.json())
        r = client.get(f"/segments/{world.ids['segmentId']}", headers=world.a.headers)
        views.append((r.status_code, r.json()))
        exports = client.get("/exports/", headers=world.a.headers).json()["results"]
        views.append([(e["id"], e["status"], e["total"]) for e in exports])
        return views

    before = a_view()
    for probe in _live_probes(app):
        if probe.kind == "cursor":
            continue
        _call(client, probe, {**_common_subs(world), ID: world.ids[probe.kind]}, world.b.headers)
    assert a_view() == before
    # B's listing holds B's export only; A's pending uploads are still A's to register.
    listed = client.get("/exports/", headers=world.b.headers).json()["results"]
    assert [e["id"] for e in listed] == [world.ids["$B_EXPORT"]]
    r = client.post(
        "/media/create",
        json={"type": "photo", "uploadUrl": world.ids["uploadUrl"]},
        headers=world.a.headers,
    )
    assert r.status_code == 200, r.text
    r = client.post(
        "/font/create", json={"uploadedURL": world.ids["uploadedURL"]}, headers=world.a.headers
    )
    assert r.status_code == 200, r.text


def _window() -> dict[str, int]:
    now = int(time.time())
    return {"startDate": now - 30 * 86400, "endDate": now}


def test_login_user_with_a_foreign_abstract_id_makes_a_separate_user(
    client: TestClient, world: World
) -> None:
    r = client.post("/super/login-user", json={"abstractUserId": "alice"}, headers=world.b.headers)
    assert r.status_code == 200, r.text
    made = r.json()["body"]
    assert made["userId"] != world.a.user.id
    assert made["workspaceId"] != world.a.workspace.id
    # The token acts in B only: A's design is as unknown to it as a random one.
    token = {"sivi-api-key": made["accessToken"]}
    r = client.post(
        "/enterprise/get-design-variants",
        json={"designId": world.ids["designId"]},
        headers=token,
    )
    r2 = client.post(
        "/enterprise/get-design-variants", json={"designId": str(uuid.uuid4())}, headers=token
    )
    assert (r.status_code, r.json()) == (r2.status_code, r2.json())
