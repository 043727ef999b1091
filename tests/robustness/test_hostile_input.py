"""Bad input is a clear 4xx in the route family's envelope, never a 500, on both databases: text
no column can hold (NUL, lone surrogates) in any string field of any body, in path ids and file
paths, over-long path segments, bodies over the size cap, and dates at the calendar's ends.

The string cases are generated (Hypothesis) into every string field of a valid body of each
route, so a new field or route is covered by adding its template below.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandkit.kit.render import uses_problem_style
from tests.exports.helpers import EXPORT_SCOPES
from tests.factories import Factory, Tenant

# A valid body per route; every string in it is a place generated text goes.
BODIES: dict[str, dict[str, Any]] = {
    "/media/get": {"type": "photo", "subType": "photograph", "mId": "m_x", "bId": "b_x"},
    "/media/create": {"type": "logo", "url": "https://example.com/a.png", "bId": "b_x"},
    "/media/update": {"mId": "m_abc", "hueRotations": [1]},
    "/media/delete": {"mIds": ["m_abc"]},
    "/files/get-presigned-url": {"type": "photo", "extension": "png", "contentType": "image/png"},
    "/font/get": {"name": "Sans", "source": "user"},
    "/font/create": {"uploadedURL": "http://testserver/files/uploads/x.ttf"},
    "/get-request-status": {"requestId": "r"},
    "/enterprise/get-design-variants": {"designId": "d", "type": "all"},
    "/enterprise/export-data": {"abstractUserId": "admin", "startDate": 1, "endDate": 2},
    "/super/login-user": {"abstractUserId": "someone"},
    "/super/delete-user": {"abstractUserId": "nobody"},
    "/exports/": {
        "exportType": "activities",
        "delimiter": ",",
        "dateFormat": "ISO",
        "filters": {"fromDate": "2024-01-01T00:00:00Z", "toDate": "2024-01-02T00:00:00Z"},
    },
    "/contacts/": {"contacts": [{"email": "a@example.com", "firstName": "A"}]},
    "/segments/": {"name": "vip"},
}

HOSTILE = st.one_of(
    st.text(max_size=20).map(lambda s: s + "\x00"),
    st.text(max_size=20).map(lambda s: "\ud800" + s),
    st.text(max_size=20).map(lambda s: s + "\udfff" + s),
    st.just("\x00"),
)


def _string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_paths(v, (*path, i))]
    return []


def _replaced(value: Any, path: tuple[Any, ...], new: str) -> Any:
    if not path:
        return new
    copy = json.loads(json.dumps(value))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = new
    return copy


def assert_enveloped_4xx(path: str, status: int, text: str) -> None:
    assert 400 <= status < 500, (path, status, text[:300])
    assert "Traceback" not in text
    body = json.loads(text)
    if uses_problem_style(path):
        assert body["status"] == status, body
        assert body["title"], body
        assert "detail" in body, body
    else:
        assert body["status"] == status, body
        assert "message" in body["body"], body


@pytest.fixture
def tenant(factory: Factory) -> Tenant:
    return factory.tenant("enterprise", EXPORT_SCOPES)


@pytest.mark.parametrize("path", sorted(BODIES))
def test_unstorable_text_in_any_string_field_is_a_4xx(
    client: TestClient, tenant: Tenant, path: str
) -> None:
    body = BODIES[path]
    places = _string_paths(body)
    assert places, path

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(place=st.sampled_from(places), text=HOSTILE, in_key=st.booleans())
    def probe(place: tuple[Any, ...], text: str, in_key: bool) -> None:
        sent = _replaced(body, place, text)
        if in_key:
            sent = {**sent, text: "x"}
        # ensure_ascii: a lone surrogate travels as the JSON escape "\ud800", as clients send it.
        raw = json.dumps(sent, ensure_ascii=True)
        headers = {**tenant.headers, "Content-Type": "application/json"}
        r = client.post(path, content=raw, headers=headers)
        assert_enveloped_4xx(path, r.status_code, r.text)

    probe()


IDS = st.one_of(
    st.text(min_size=1, max_size=8).map(lambda s: s + "\x00"),
    st.integers(256, 2000).map(lambda n: "a" * n),
)


@pytest.mark.parametrize(
    "template",
    ["/exports/{}", "/exports/{}/file?expires=1&signature=x", "/segments/{}", "/files/media/{}"],
)
def test_hostile_ids_in_paths_are_a_4xx(client: TestClient, tenant: Tenant, template: str) -> None:
    @settings(
        max_examples=10,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(raw=IDS)
    def probe(raw: str) -> None:
        from urllib.parse import quote

        path = template.format(quote(raw, safe=""))
        r = client.get(path, headers=tenant.headers)
        assert_enveloped_4xx(path.split("?")[0], r.status_code, r.text)

    probe()


def test_a_body_over_the_cap_is_a_413_in_the_envelope(
    client: TestClient, tenant: Tenant, settings: Any
) -> None:
    cap = settings.max_body_bytes
    big = json.dumps({"type": "photo", "pad": "x" * (cap + 1)})
    r = client.post(
        "/media/get", content=big, headers={**tenant.headers, "Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert_enveloped_4xx("/media/get", r.status_code, r.text)

    # Sent chunked, without a Content-Length: refused while it is read.
    def chunks() -> Any:
        yield b'{"exportType": "contacts", "pad": "'
        for _ in range(cap // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    headers = {**tenant.headers, "Content-Type": "application/json"}
    r = client.post("/exports/", content=chunks(), headers=headers)
    assert r.status_code == 413, r.text
    assert_enveloped_4xx("/exports/", r.status_code, r.text)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01T00:00:00+14:00", "0001-01-05T00:00:00+14:00"),
        ("0001-01-01T00:00:00", "0001-01-02T00:00:00"),
        ("9999-12-30T00:00:00-14:00", "9999-12-31T23:59:59-14:00"),
        ("9999-12-31T00:00:00Z", "9999-12-31T23:59:59Z"),
    ],
)
def test_export_dates_at_the_calendar_ends_are_a_422(
    client: TestClient, factory: Factory, start: str, end: str
) -> None:
    from tests.exports import helpers as h

    t = h.tenant(factory, timezone="Pacific/Kiritimati")
    body = {
        "exportType": "activities",
        "delimiter": ",",
        "dateFormat": "ISO",
        "filters": {"fromDate": start, "toDate": end},
    }
    r = h.create(client, t, body)
    assert r.status_code == 422, r.text
    assert_enveloped_4xx("/exports/", r.status_code, r.text)
    assert any(e["name"] in ("fromDate", "toDate") for e in r.json()["validationErrors"])
