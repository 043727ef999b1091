from __future__ import annotations

from fastapi.testclient import TestClient

from brandkit.kit.errors import AUTH_MESSAGE
from tests.factories import Factory


def test_missing_key_is_401_in_the_envelope(client: TestClient) -> None:
    r = client.post("/media/get", json={})
    assert r.status_code == 401
    assert r.json() == {"status": 401, "body": {"message": AUTH_MESSAGE}}


def test_variants_of_a_design_newest_first(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    design = factory.design(t.user)
    made = factory.variants(design, 3)
    r = client.post(
        "/api/prod/v2/enterprise/get-design-variants",
        json={"designId": design.id},
        headers=t.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()["body"]
    assert [v["variantId"] for v in body["variations"]] == [v.id for v in reversed(made)]
    assert body["nextPage"] is False
