"""The presigned two-step upload over real HTTP, on the local backend and on S3 (moto)."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from brandkit.kit.mediatypes import CONTENT_TYPES
from brandkit.storage.base import UPLOAD_PREFIX
from brandkit.uploads.service import UPLOAD_NOT_FOUND
from tests.factories import Factory
from tests.storage.conftest import SMALL_LIMIT, Live
from tests.storage.samples import SVG_WITH_SCRIPT, image_bytes, ttf_bytes

# (type asked of get-presigned-url, extension, type given to media/create): every type and every
# extension of SPEC 4.4. icon and inspiration are not presign types; their files come as svg/webp.
CASES = [
    ("photo", "jpg", "photo"),
    ("photo", "jpeg", "photo"),
    ("photo", "png", "photo"),
    ("photo", "webp", "photo"),
    ("photo", "gif", "photo"),
    ("photo", "bmp", "photo"),
    ("photo", "tiff", "photo"),
    ("logo", "svg", "logo"),
    ("illustration", "svg", "illustration"),
    ("screenshot", "png", "screenshot"),
    ("backdrop", "tiff", "backdrop"),
    ("illustration", "svg", "icon"),
    ("photo", "webp", "inspiration"),
]


def _media(live: Live, tenant_headers: dict[str, str]) -> list[dict[str, object]]:
    r = live.http.post("/media/get", json={"limit": 50, "sort": "ASC"}, headers=tenant_headers)
    assert r.status_code == 200, r.text
    media: list[dict[str, object]] = r.json()["body"]["media"]
    return media


def _key(live: Live, url: str) -> str:
    key = live.storage.key_from_upload_url(url)
    assert key is not None
    return key


def _stored_uploads(live: Live, *urls: str) -> list[str]:
    return [k for k in (_key(live, u) for u in urls) if live.storage.size(k) is not None]


def test_every_media_type_goes_through_both_steps_and_is_listed_with_working_urls(
    live: Live, factory: Factory
) -> None:
    t = factory.tenant()
    made = []
    for presign_type, ext, media_type in CASES:
        data = image_bytes(ext)
        grant = live.upload(t, data, type=presign_type, extension=ext)
        assert grant["method"] == "PUT"
        assert grant["headers"] == {"Content-Type": CONTENT_TYPES[ext]}
        assert grant["expiresIn"] == 300
        assert grant["fileName"].endswith("." + ext)
        r = live.call("/media/create", {"type": media_type, "uploadUrl": grant["uploadUrl"]}, t)
        assert r.status_code == 200, (ext, media_type, r.text)
        media = r.json()["body"]["media"]
        assert media["type"] == media_type
        assert media["system"] == "USER"
        made.append((media["mId"], ext, data))
    listed = _media(live, t.headers)
    assert [m["mId"] for m in listed] == [mid for mid, _, _ in made]
    for (_, ext, data), media in zip(made, listed, strict=True):
        got = httpx.get(str(media["url"]))
        assert got.status_code == 200, media["url"]
        if ext == "svg":
            assert b"<rect" in got.content  # re-serialised by the cleaner, same drawing
        else:
            assert got.content == data


def test_font_goes_through_both_steps_and_is_listed(live: Live, factory: Factory) -> None:
    t = factory.tenant()
    grant = live.upload(t, ttf_bytes("Upload Sans"), type="font", extension="ttf")
    assert grant["headers"] == {"Content-Type": "font/ttf"}
    r = live.call("/font/create", {"uploadedURL": grant["uploadUrl"]}, t)
    assert r.status_code == 200, r.text
    request_id = r.json()["body"]["requestId"]
    status = live.call("/get-request-status", {"requestId": request_id}, t).json()["body"]
    assert status["status"] == "completed"
    assert status["progress"] == 100
    [font] = status["result"]["fonts"]
    assert font["name"] == "Upload Sans"
    fonts = live.call("/font/get", {"source": "user"}, t).json()["body"]["data"]
    assert [(f["id"], f["name"]) for f in fonts] == [(font["id"], "Upload Sans")]
    # Registered once: the same URL cannot make a second font.
    again = live.call("/font/create", {"uploadedURL": grant["uploadUrl"]}, t)
    assert again.status_code == 400


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _signature_param(url: str) -> str:
    return "X-Amz-Signature" if "X-Amz-Signature=" in url else "sig"


def test_expired_upload_url_is_refused_and_stores_nothing(live: Live) -> None:
    key = f"{UPLOAD_PREFIX}{secrets.token_urlsafe(16)}.png"
    url = live.storage.presign_put(key, "image/png", SMALL_LIMIT, -5)
    r = live.http.put(url, content=image_bytes("png"), headers={"Content-Type": "image/png"})
    assert r.status_code == 403
    assert live.storage.size(key) is None


def test_altered_signature_is_refused_and_stores_nothing(live: Live, factory: Factory) -> None:
    t = factory.tenant()
    grant = live.presign(t, type="photo", extension="png")
    url = grant["uploadUrl"]
    param = _signature_param(url)
    signature = dict(parse_qsl(urlsplit(url).query))[param]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    if param == "X-Amz-Signature":
        flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    grant["uploadUrl"] = _with_query(url, **{param: flipped})
    assert live.put(grant, image_bytes("png")).status_code == 403
    assert _stored_uploads(live, url) == []


def test_upload_url_of_another_key_is_refused(live: Live, factory: Factory) -> None:
    t = factory.tenant()
    first = live.presign(t, type="photo", extension="png")
    second = live.presign(t, type="photo", extension="png")
    first_key, second_key = _key(live, first["uploadUrl"]), _key(live, second["uploadUrl"])
    # The first URL's signature on the second key's path.
    moved = first["uploadUrl"].replace(first_key, second_key)
    assert moved != first["uploadUrl"]
    r = live.http.put(moved, content=image_bytes("png"), headers=first["headers"])
    assert r.status_code == 403
    assert _stored_uploads(live, first["uploadUrl"], second["uploadUrl"]) == []


def test_other_content_type_is_refused(live: Live, factory: Factory) -> None:
    t = factory.tenant()
    grant = live.presign(t, type="photo", extension="jpeg")
    r = live.put(grant, image_bytes("png"), **{"Content-Type": "image/png"})
    assert r.status_code == 403
    assert _stored_uploads(live, grant["uploadUrl"]) == []


def test_oversize_body_is_refused_and_nothing_is_registered(live: Live, factory: Factory) -> None:
    t = factory.tenant()
    grant = live.presign(t, type="photo", extension="png")
    body = b"\0" * (SMALL_LIMIT + 1)
    r = live.put(grant, body)
    if live.settings.storage_backend == "local":
        assert r.status_code == 413
        assert r.json()["body"]["message"].startswith("The upload is larger than")
    else:
        # A presigned PUT cannot bound its size on S3; registration refuses it and deletes it.
        assert r.status_code == 200
        created = live.call("/media/create", {"type": "photo", "uploadUrl": grant["uploadUrl"]}, t)
        assert created.status_code == 413
    assert _stored_uploads(live, grant["uploadUrl"]) == []
    assert _media(live, t.headers) == []


def test_local_oversize_streamed_without_content_length_is_refused(
    live: Live, factory: Factory
) -> None:
    if live.settings.storage_backend != "local":
        return
    t = factory.tenant()
    grant = live.presign(t, type="photo", extension="png")

    def chunks() -> Iterator[bytes]:
        for _ in range(SMALL_LIMIT // 1024 + 1):
            yield b"\0" * 1024

    r = live.http.put(grant["uploadUrl"], content=chunks(), headers=grant["headers"])
    assert "content-length" not in r.request.headers
    assert r.status_code == 413
    assert _stored_uploads(live, grant["uploadUrl"]) == []


def test_local_upload_url_takes_one_put_only(live: Live, factory: Factory) -> None:
    if live.settings.storage_backend != "local":
        return
    t = factory.tenant()
    grant = live.upload(t, image_bytes("png"), type="photo", extension="png")
    second = live.put(grant, image_bytes("png", (5, 5)))
    assert second.status_code == 409
    assert live.storage.read_bytes(_key(live, grant["uploadUrl"])) == image_bytes("png")
    # And what was uploaded is not served before it is registered.
    assert httpx.get(grant["uploadUrl"].split("?")[0]).status_code in (403, 404)


def test_file_not_matching_its_extension_is_422_and_not_kept(live: Live, factory: Factory) -> None:
    t = factory.tenant()
    grant = live.upload(t, image_bytes("jpeg"), type="photo", extension="png")
    r = live.call("/media/create", {"type": "photo", "uploadUrl": grant["uploadUrl"]}, t)
    assert r.status_code == 422, r.text
    assert r.json()["body"]["message"].startswith("The file is not valid")
    assert _media(live, t.headers) == []
    assert _stored_uploads(live, grant["uploadUrl"]) == []


def test_svg_is_served_without_script_or_handlers(live: Live, factory: Factory) -> None:
    t = factory.tenant()
    grant = live.upload(t, SVG_WITH_SCRIPT, type="logo", extension="svg")
    r = live.call("/media/create", {"type": "logo", "uploadUrl": grant["uploadUrl"]}, t)
    assert r.status_code == 200, r.text
    served = httpx.get(r.json()["body"]["media"]["url"])
    assert served.status_code == 200
    text = served.text.lower()
    for banned in ("<script", "onload", "onclick", "javascript:", "foreignobject", "evil.example"):
        assert banned not in text, banned
    assert "<circle" in text
    assert 'href="#dot"' in text
    assert served.headers["content-type"].startswith("image/svg+xml")
    if live.settings.storage_backend == "local":
        assert served.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in served.headers["content-security-policy"]
    else:
        # What S3 can carry: opened directly, the file is a download, never a page.
        assert served.headers["content-disposition"] == "attachment"


def test_upload_url_of_another_account_or_never_uploaded_is_400(
    live: Live, factory: Factory
) -> None:
    owner, other = factory.tenant(), factory.tenant()
    uploaded = live.upload(owner, image_bytes("png"), type="photo", extension="png")
    never = live.presign(owner, type="photo", extension="png")
    font = live.upload(owner, ttf_bytes(), type="font", extension="ttf")
    for tenant, url in ((other, uploaded["uploadUrl"]), (owner, never["uploadUrl"])):
        r = live.call("/media/create", {"type": "photo", "uploadUrl": url}, tenant)
        assert r.status_code == 400
        assert r.json() == {"status": 400, "body": {"message": UPLOAD_NOT_FOUND}}
    r = live.call("/font/create", {"uploadedURL": [font["uploadUrl"]]}, other)
    assert r.json() == {"status": 400, "body": {"message": UPLOAD_NOT_FOUND}}
    # The owner still can.
    ok = live.call("/media/create", {"type": "photo", "uploadUrl": uploaded["uploadUrl"]}, owner)
    assert ok.status_code == 200


def test_uploads_are_not_served_under_any_spelling(live: Live, factory: Factory) -> None:
    if live.settings.storage_backend != "local":
        return
    t = factory.tenant()
    grant = live.upload(t, SVG_WITH_SCRIPT, type="logo", extension="svg")
    key = _key(live, grant["uploadUrl"])
    host, port = urlsplit(live.url).hostname, urlsplit(live.url).port
    assert host is not None
    assert port is not None
    for path in (f"/files/{key}", f"/files/media/../{key}", f"/files/./{key}"):
        # A raw request line: clients normalise dot segments, attackers do not.
        with socket.create_connection((host, port)) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 404"), (path, answer[:200])


def test_an_upload_url_takes_no_put_after_registration(live: Live, factory: Factory) -> None:
    t = factory.tenant()
    grant = live.upload(t, image_bytes("png"), type="photo", extension="png")
    r = live.call("/media/create", {"type": "photo", "uploadUrl": grant["uploadUrl"]}, t)
    assert r.status_code == 200, r.text
    late = live.put(grant, image_bytes("png", (5, 5)))
    if live.settings.storage_backend == "local":
        assert late.status_code == 409
        assert _stored_uploads(live, grant["uploadUrl"]) == []
    # Registering it again finds no upload, whatever the store did with the late PUT...
    again = live.call("/media/create", {"type": "photo", "uploadUrl": grant["uploadUrl"]}, t)
    assert again.status_code == 400
    assert again.json()["body"]["message"] == UPLOAD_NOT_FOUND
    # ...and the purge deletes what a store that cannot refuse it (S3) kept.
    from datetime import timedelta

    from brandkit.db import transaction, utcnow
    from brandkit.uploads.service import purge_orphan_uploads

    later = utcnow() + timedelta(hours=live.settings.orphan_upload_hours + 1)
    with transaction(live.app.state.sessions, write=True) as s:
        purge_orphan_uploads(s, live.storage, live.settings, later)
    assert _stored_uploads(live, grant["uploadUrl"]) == []
    assert len(_media(live, t.headers)) == 1


def test_an_empty_put_is_refused_and_leaves_the_url_usable(live: Live, factory: Factory) -> None:
    if live.settings.storage_backend != "local":
        return  # S3 itself takes an empty PUT; registering it then fails the content check
    t = factory.tenant()
    grant = live.presign(t, type="photo", extension="png")
    empty = live.put(grant, b"")
    assert empty.status_code == 400
    assert empty.json()["body"]["message"] == "The upload body is empty"
    assert _stored_uploads(live, grant["uploadUrl"]) == []
    assert live.put(grant, image_bytes("png")).status_code == 200


def test_a_signed_content_length_is_enforced_by_the_store(live: Live, factory: Factory) -> None:
    t = factory.tenant()
    data = image_bytes("png")
    too_big = live.call(
        "/files/get-presigned-url",
        {"type": "photo", "extension": "png", "contentLength": SMALL_LIMIT + 1},
        t,
    )
    assert too_big.status_code == 413
    grant = live.presign(t, type="photo", extension="png", contentLength=len(data))
    assert grant["headers"] == {"Content-Type": "image/png", "Content-Length": str(len(data))}
    for wrong in (data + b"\0", data[:-1]):
        r = live.http.put(grant["uploadUrl"], content=wrong, headers={"Content-Type": "image/png"})
        assert r.status_code == 403, (len(wrong), r.text)
        assert _stored_uploads(live, grant["uploadUrl"]) == []
    assert live.put(grant, data).status_code == 200
    r = live.call("/media/create", {"type": "photo", "uploadUrl": grant["uploadUrl"]}, t)
    assert r.status_code == 200, r.text
