"""font/create, font/get (SPEC 4.3) and get-request-status (4.5)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from brandkit.db import transaction
from brandkit.fonts.models import Font
from brandkit.fonts.parse import classify, parse_font
from brandkit.fonts.schemas import FontsBody, RequestIdBody
from brandkit.kit.ids import new_uuid
from brandkit.kit.schemas import Envelope
from brandkit.requests.schemas import RequestStatusBody
from tests.factories import Factory, Tenant
from tests.storage.samples import image_bytes, ttf_bytes

INVALID_URL = "Invalid uploadedURL format"


def post(client: TestClient, path: str, tenant: Tenant, **body: Any) -> Any:
    return client.post(path, json=body, headers=tenant.headers)


def upload(client: TestClient, tenant: Tenant, data: bytes, kind: str = "font") -> str:
    ext = "ttf" if kind == "font" else "png"
    grant = post(client, "/files/get-presigned-url", tenant, type=kind, extension=ext).json()
    url: str = grant["body"]["uploadUrl"]
    r = client.put(url, content=data, headers=grant["body"]["headers"])
    assert r.status_code == 200, r.text
    return url


def status(client: TestClient, tenant: Tenant, request_id: str) -> dict[str, Any]:
    r = post(client, "/get-request-status", tenant, requestId=request_id)
    assert r.status_code == 200, r.text
    Envelope[RequestStatusBody].model_validate(r.json(), strict=True)
    q = client.get(
        "/get-request-status",
        params={"queryParams": json.dumps({"requestId": request_id})},
        headers=tenant.headers,
    )
    assert q.json() == r.json()
    body: dict[str, Any] = r.json()["body"]
    return body


def test_fonts_are_parsed_and_reported(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    urls = [
        upload(client, t, ttf_bytes("Alpha Grotesk", "Bold")),
        upload(client, t, ttf_bytes("Beta Mono", mono=True)),
    ]
    r = post(client, "/font/create", t, uploadedURL=urls)
    assert r.status_code == 200, r.text
    Envelope[RequestIdBody].model_validate(r.json(), strict=True)
    body = status(client, t, r.json()["body"]["requestId"])
    assert (body["status"], body["progress"], body["reason"]) == ("completed", 100, None)
    made = {(f["name"], f["style"], f["classification"]) for f in body["result"]["fonts"]}
    assert made == {("Alpha Grotesk", "Bold", "sans-serif"), ("Beta Mono", "Regular", "monospace")}


def test_a_file_that_is_not_a_font_fails_the_request_and_registers_nothing(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    good = upload(client, t, ttf_bytes("Fine Sans"))
    bad = upload(client, t, image_bytes("png"), kind="photo")
    r = post(client, "/font/create", t, uploadedURL=[good, bad])
    assert r.json()["body"]["message"] == INVALID_URL  # a png upload is not a font upload
    fake = upload(client, t, b"\x00\x01\x00\x00" + b"garbage" * 20)
    r = post(client, "/font/create", t, uploadedURL=[good, fake])
    assert r.status_code == 200
    body = status(client, t, r.json()["body"]["requestId"])
    assert body["status"] == "failed"
    assert "does not parse" in body["reason"]
    # As documented for every request kind: a failed request has no result.
    assert body["result"] is None
    assert post(client, "/font/get", t, source="user").json()["body"]["data"] == []
    # Both uploads are gone: a failed request is not retried with the same URLs.
    assert post(client, "/font/create", t, uploadedURL=good).status_code == 400


@pytest.mark.parametrize(
    "value",
    [
        "https://elsewhere.example/uploads/AAAAAAAAAAAAAAAAAAAAAA.ttf",
        "http://testserver/files/media/x.ttf",
        "not a url",
        [],
        ["http://testserver/files/uploads/x.ttf"],
    ],
)
def test_urls_that_are_not_ours_are_422(client: TestClient, factory: Factory, value: Any) -> None:
    r = post(client, "/font/create", factory.tenant(), uploadedURL=value)
    assert r.status_code == 422
    if value != []:
        assert r.json()["body"]["message"] == INVALID_URL


def test_request_status_of_another_account_is_404(client: TestClient, factory: Factory) -> None:
    owner, other = factory.tenant(), factory.tenant()
    r = post(client, "/font/create", owner, uploadedURL=upload(client, owner, ttf_bytes()))
    request_id = r.json()["body"]["requestId"]
    assert post(client, "/get-request-status", other, requestId=request_id).status_code == 404
    assert post(client, "/get-request-status", owner, requestId="nope").status_code == 404


def _fonts(factory: Factory, account_id: str | None, names: list[tuple[str, str]]) -> None:
    with transaction(factory.sessions, write=True) as s:
        for name, classification in names:
            s.add(
                Font(
                    id=new_uuid(),
                    account_id=account_id,
                    source="user" if account_id else "system",
                    name=name,
                    classification=classification,
                    storage_key="fonts/x.ttf",
                )
            )


def _names(client: TestClient, tenant: Tenant, **body: Any) -> list[str]:
    r = post(client, "/font/get", tenant, **body)
    assert r.status_code == 200, r.text
    Envelope[FontsBody].model_validate(r.json(), strict=True)
    return [f["name"] for f in r.json()["body"]["data"]]


def _without_shipped_fonts(factory: Factory) -> None:
    # The migrations install Brandkit's own fonts; these tests list fonts they make themselves.
    with transaction(factory.sessions, write=True) as s:
        s.execute(delete(Font).where(Font.source == "system"))


def test_font_get_filters_and_scopes(client: TestClient, factory: Factory) -> None:
    t, other = factory.tenant(), factory.tenant()
    _without_shipped_fonts(factory)
    _fonts(
        factory, None, [("Roboto", "sans-serif"), ("Lora", "serif"), ("Pacifico", "handwriting")]
    )
    _fonts(factory, t.account_id, [("Acme Serif", "serif"), ("Acme_Mono", "monospace")])
    _fonts(factory, other.account_id, [("Secret Sans", "sans-serif")])
    assert _names(client, t) == ["Acme Serif", "Acme_Mono", "Lora", "Pacifico", "Roboto"]
    assert _names(client, t, source="system") == ["Lora", "Pacifico", "Roboto"]
    assert _names(client, t, source="user") == ["Acme Serif", "Acme_Mono"]
    assert _names(client, t, classification=["serif"]) == ["Acme Serif", "Lora"]
    assert _names(client, t, name="acme") == ["Acme Serif", "Acme_Mono"]
    # LIKE wildcards in the name are literal.
    assert _names(client, t, name="_") == ["Acme_Mono"]
    assert _names(client, t, name="%") == []
    for bad in ({"limit": 0}, {"limit": 101}, {"classification": ["gothic"]}, {"source": "x"}):
        assert post(client, "/font/get", t, **bad).status_code == 422


def test_font_get_pages_with_a_keyset_cursor(client: TestClient, factory: Factory) -> None:
    t, other = factory.tenant(), factory.tenant()
    names = [f"Font {i:02d}" for i in range(7)]
    _fonts(factory, t.account_id, [(n, "serif") for n in reversed(names)])
    seen: list[str] = []
    cursor = None
    while True:
        body = post(client, "/font/get", t, source="user", limit=3, cursor=cursor).json()["body"]
        seen += [f["name"] for f in body["data"]]
        cursor = body["meta"]["cursor"]
        if cursor is None:
            break
        # Another account cannot use it.
        r = post(client, "/font/get", other, source="user", cursor=cursor)
        assert r.status_code == 422
    assert seen == names


def test_classification_from_os2() -> None:
    font = parse_font(ttf_bytes())
    assert font.classification == "sans-serif"

    def os2(family_type: int, serif_style: int = 0, ibm_class: int = 0) -> SimpleNamespace:
        panose = SimpleNamespace(bFamilyType=family_type, bSerifStyle=serif_style, bProportion=3)
        return SimpleNamespace(panose=panose, sFamilyClass=ibm_class << 8)

    assert classify({"OS/2": os2(2, serif_style=2)}) == "serif"
    assert classify({"OS/2": os2(2, serif_style=11)}) == "sans-serif"
    assert classify({"OS/2": os2(3)}) == "handwriting"
    assert classify({"OS/2": os2(4)}) == "display"
    assert classify({"OS/2": os2(0, ibm_class=10)}) == "handwriting"
    assert classify({"OS/2": os2(0, ibm_class=9)}) == "display"
    assert classify({"OS/2": os2(0, ibm_class=1)}) == "serif"


def test_the_same_file_twice_is_one_font_and_get_fonts_lists_it(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant()
    data = ttf_bytes("Twice Sans")
    first = post(client, "/font/create", t, uploadedURL=upload(client, t, data))
    again = post(client, "/font/create", t, uploadedURL=upload(client, t, data))
    fonts = [
        status(client, t, r.json()["body"]["requestId"])["result"]["fonts"] for r in (first, again)
    ]
    assert fonts[0] == fonts[1]
    listed = post(client, "/get-fonts", t, source="user").json()["body"]
    assert [f["name"] for f in listed["fonts"]] == ["Twice Sans"]
    assert listed["cursor"] is None
    system = client.get(
        "/get-fonts",
        params={"queryParams": json.dumps({"source": "system", "limit": 100})},
        headers=t.headers,
    ).json()["body"]["fonts"]
    assert {"Lato", "Roboto", "DejaVu Sans"} <= {f["name"] for f in system}
