"""media/create, media/update, media/delete (SPEC 4.2) and files/get-presigned-url's rules (4.1)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from brandkit.kit.schemas import Envelope
from brandkit.media.schemas import DeletedBody, MediaBody
from brandkit.uploads.schemas import PresignBody
from tests.factories import Factory, Tenant
from tests.storage.samples import image_bytes

EITHER = "Either url or uploadUrl is required"


def post(client: TestClient, path: str, tenant: Tenant, **body: Any) -> Any:
    return client.post(path, json=body, headers=tenant.headers)


def uploaded(client: TestClient, tenant: Tenant, ext: str = "png", **body: Any) -> str:
    r = post(client, "/files/get-presigned-url", tenant, type="photo", extension=ext, **body)
    assert r.status_code == 200, r.text
    Envelope[PresignBody].model_validate(r.json(), strict=True)
    grant = r.json()["body"]
    put = client.put(grant["uploadUrl"], content=image_bytes(ext), headers=grant["headers"])
    assert put.status_code == 200, put.text
    url: str = grant["uploadUrl"]
    return url


def create(client: TestClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    r = post(client, "/media/create", tenant, **{"type": "photo", **body})
    assert r.status_code == 200, r.text
    Envelope[MediaBody].model_validate(r.json(), strict=True)
    media: dict[str, Any] = r.json()["body"]["media"]
    return media


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "font", "extension": "png"}, "extension"),
        ({"type": "photo", "extension": "ttf"}, "extension"),
        ({"type": "logo", "extension": "gif"}, "extension"),
        ({"type": "illustration", "extension": "png"}, "extension"),
        ({"type": "photo", "extension": "png", "contentType": "image/jpeg"}, "contentType"),
        ({"type": "photo", "expiresIn": 59}, "expiresIn"),
        ({"type": "photo", "expiresIn": 3601}, "expiresIn"),
        ({"type": "photo", "expiresIn": "300"}, "expiresIn"),
        ({"type": "icon"}, "type"),
        ({"extension": "png"}, "type"),
    ],
)
def test_presign_rules_are_422(
    client: TestClient, factory: Factory, body: dict[str, Any], field: str
) -> None:
    r = client.post("/files/get-presigned-url", json=body, headers=factory.tenant().headers)
    assert r.status_code == 422
    assert r.json()["body"]["message"] == "Invalid input"
    assert [e["field"] for e in r.json()["body"]["errors"]] == [field]


def test_presign_defaults_and_accepted_pairs(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    r = post(client, "/files/get-presigned-url", t, type="photo")
    body = r.json()["body"]
    assert (body["expiresIn"], body["headers"]) == (300, {"Content-Type": "image/jpeg"})
    assert body["fileName"].endswith(".jpeg")
    for kind, ext in [("backdrop", "gif"), ("backdrop", "bmp"), ("photo", "tiff"), ("font", "ttf")]:
        r = post(client, "/files/get-presigned-url", t, type=kind, extension=ext, expiresIn=3600)
        assert r.status_code == 200, (kind, ext)
    r = post(client, "/files/get-presigned-url", t, type="font", extension="ttf", contentType="x")
    assert r.status_code == 422


def test_presign_acts_for_the_named_user_only_with_a_super_key(
    client: TestClient, factory: Factory
) -> None:
    t = factory.tenant(tier="general")
    r = post(client, "/files/get-presigned-url", t, type="photo", abstractUserId="ghost")
    assert r.status_code == 403
    boss = factory.tenant(tier="super")
    r = post(client, "/files/get-presigned-url", boss, type="photo", abstractUserId="ghost")
    assert r.json() == {"status": 400, "body": {"message": "User does not exist"}}


def test_create_from_upload_keeps_meta_size_and_brand(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    # The bId must be a brand of the user (SPEC 7): one is made first.
    made = post(client, "/brand/create", t, brandName="Acme", brandDescription="d").json()
    bid = made["body"]["brandDetails"][0]["bId"]
    url = uploaded(client, t, "png", bId=bid)
    media = create(
        client,
        t,
        uploadUrl=url,
        touchPosition={"left": True},
        imagePreference={"crop": "smart"},
        hueRotations=[0, 90.5],
    )
    assert media["bId"] == bid
    assert media["subType"] == "photograph"
    assert media["meta"]["touchPosition"] == {
        "left": True,
        "right": False,
        "bottom": False,
        "top": False,
        "center": False,
    }
    assert media["meta"]["imagePreference"] == {
        "crop": "smart",
        "removeBg": None,
        "enhancement": None,
    }
    assert media["meta"]["hueRotations"] == [0, 90.5]
    assert client.get(media["url"]).content == image_bytes("png")


@pytest.mark.parametrize(
    "body",
    [{}, {"url": "https://example.com/a.png", "uploadUrl": "http://testserver/files/x"}],
)
def test_exactly_one_of_url_and_upload_url(
    client: TestClient, factory: Factory, body: dict[str, Any]
) -> None:
    r = post(client, "/media/create", factory.tenant(), type="photo", **body)
    assert r.status_code == 422
    assert r.json()["body"]["message"] == EITHER


def test_create_checks_type_sub_type_and_extension(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    url = uploaded(client, t, "png")
    r = post(client, "/media/create", t, type="photo", subType="logo", uploadUrl=url)
    assert r.status_code == 422
    assert r.json()["body"]["message"] == "Invalid type and subType combination"
    r = post(client, "/media/create", t, type="illustration", uploadUrl=url)
    assert r.status_code == 422
    media = create(client, t, type="screenshot", subType="tablet", uploadUrl=url)
    assert (media["type"], media["subType"]) == ("screenshot", "tablet")


def test_update_merges_and_replaces(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    media = create(client, t, uploadUrl=uploaded(client, t), touchPosition={"left": True})
    r = post(
        client,
        "/media/update",
        t,
        mId=media["mId"],
        touchPosition={"top": True},
        imagePreference={"removeBg": True},
        hueRotations=[45],
    )
    assert r.status_code == 200, r.text
    meta = r.json()["body"]["media"]["meta"]
    assert meta["touchPosition"]["left"] is True
    assert meta["touchPosition"]["top"] is True
    assert meta["imagePreference"] == {"crop": None, "removeBg": True, "enhancement": None}
    assert meta["hueRotations"] == [45]
    r = post(client, "/media/update", t, mId=media["mId"], hueRotations=[])
    assert r.json()["body"]["media"]["meta"]["hueRotations"] == []
    assert r.json()["body"]["media"]["meta"]["touchPosition"]["top"] is True
    listed = post(client, "/media/get", t, mId=media["mId"]).json()["body"]["media"]
    assert listed[0]["meta"] == r.json()["body"]["media"]["meta"]


def test_update_outside_scope_is_404(client: TestClient, factory: Factory) -> None:
    owner, other = factory.tenant(), factory.tenant()
    media = create(client, owner, uploadUrl=uploaded(client, owner))
    for tenant, mid in ((other, media["mId"]), (owner, "m_missing")):
        r = post(client, "/media/update", tenant, mId=mid, hueRotations=[1])
        assert r.json() == {"status": 404, "body": {"message": f"Media not found: {mid}"}}
    r = post(client, "/media/update", owner, mId=media["mId"], touchPosition={"top": "yes"})
    assert r.status_code == 422


def test_delete_is_soft_scoped_and_counted(client: TestClient, factory: Factory) -> None:
    owner, other = factory.tenant(), factory.tenant()
    mine = [create(client, owner, uploadUrl=uploaded(client, owner))["mId"] for _ in range(2)]
    theirs = create(client, other, uploadUrl=uploaded(client, other))["mId"]
    r = post(client, "/media/delete", owner, mIds=[*mine, mine[0], theirs, "m_nope"])
    assert r.status_code == 200
    Envelope[DeletedBody].model_validate(r.json(), strict=True)
    assert r.json()["body"] == {"deletedCount": 2}
    assert post(client, "/media/get", owner).json()["body"]["media"] == []
    assert len(post(client, "/media/get", other).json()["body"]["media"]) == 1
    again = post(client, "/media/delete", owner, mIds=mine)
    assert again.json()["body"] == {"deletedCount": 0}
    r = post(client, "/media/update", owner, mId=mine[0], hueRotations=[1])
    assert r.status_code == 404


@pytest.mark.parametrize("ids", [[], [f"m_{i}" for i in range(21)], "m_1"])
def test_delete_takes_1_to_20_ids(client: TestClient, factory: Factory, ids: Any) -> None:
    r = post(client, "/media/delete", factory.tenant(), mIds=ids)
    assert r.status_code == 422
