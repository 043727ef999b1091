"""Ingestion (SPEC 5.1): contacts upserted by email, activities appended, segments; each batch
validated whole, and a bad row rejects all of it."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from brandkit.contacts.demo import seed_marketing
from brandkit.contacts.models import Activity, Contact, Segment, SegmentMember
from brandkit.contacts.schemas import ActivityBatchOut, ContactBatchOut, SegmentOut
from brandkit.contacts.service import purchase_columns
from brandkit.db import transaction, utcnow
from tests.exports import helpers as h
from tests.factories import Factory, Tenant


def count(factory: Factory, model: Any, account_id: str | None = None) -> int:
    query = select(func.count()).select_from(model)
    if account_id is not None:
        query = query.where(model.account_id == account_id)
    with transaction(factory.sessions) as s:
        return int(s.scalar(query) or 0)


def problem_paths(r: Any) -> list[str]:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["title"]
    assert body["detail"]
    return [e["path"] for e in body["validationErrors"]]


def test_contacts_upsert_by_email_ignoring_case(client: TestClient, factory: Factory) -> None:
    t = h.tenant(factory)
    r = client.post(
        "/contacts/",
        json={
            "contacts": [
                {
                    "email": "Ann@Example.com",
                    "firstName": "Ann",
                    "newsletterStatus": "subscribed",
                    "fields": {"tier": "gold", "score": 3},
                },
                {"email": "bob@example.com"},
            ]
        },
        headers=t.headers,
    )
    assert r.status_code == 200, r.text
    first = ContactBatchOut.model_validate(r.json(), strict=True)
    assert (first.created, first.updated) == (2, 0)
    r = client.post(
        "/contacts/",
        json={
            "contacts": [
                {
                    "email": "ANN@example.COM",
                    "lastName": "Lee",
                    "newsletterStatus": "unsubscribed",
                    "fields": {"score": 4, "city": "Oslo"},
                }
            ]
        },
        headers=t.headers,
    )
    again = ContactBatchOut.model_validate(r.json(), strict=True)
    assert (again.created, again.updated) == (0, 1)
    assert again.contacts[0].id == first.contacts[0].id
    with transaction(factory.sessions) as s:
        ann = s.get(Contact, first.contacts[0].id)
        assert ann is not None
        assert (ann.first_name, ann.last_name, ann.email) == ("Ann", "Lee", "ANN@example.COM")
        assert orjson.loads(ann.fields) == {"tier": "gold", "score": 4, "city": "Oslo"}
        assert ann.newsletter_status == "unsubscribed"
        assert ann.last_subscribed_at is not None
        assert ann.last_unsubscribed_at is not None
    assert count(factory, Contact, t.account_id) == 2


def test_one_bad_contact_rejects_the_batch(client: TestClient, factory: Factory) -> None:
    t = h.tenant(factory)
    rows: list[dict[str, Any]] = [{"email": f"u{i}@example.com"} for i in range(20)]
    rows[17] = {"email": "not-an-email"}
    rows[3] = {"email": "u3@example.com", "newsletterStatus": "maybe"}
    r = client.post("/contacts/", json={"contacts": rows}, headers=t.headers)
    assert problem_paths(r) == ["/contacts/3/newsletterStatus", "/contacts/17/email"]
    dup = [{"email": "a@example.com"}, {"email": "A@EXAMPLE.com"}]
    assert problem_paths(client.post("/contacts/", json={"contacts": dup}, headers=t.headers)) == [
        "/contacts/1/email"
    ]
    too_many = [{"email": f"u{i}@example.com"} for i in range(1001)]
    r = client.post("/contacts/", json={"contacts": too_many}, headers=t.headers)
    assert problem_paths(r) == ["/contacts"]
    assert count(factory, Contact, t.account_id) == 0
    r = client.post(
        "/contacts/", content=b"{oops", headers={**t.headers, "content-type": "application/json"}
    )
    assert r.status_code == 400


def test_scopes_are_required(client: TestClient, factory: Factory) -> None:
    t = factory.tenant("enterprise", ["export:read", "export:write"])
    body = {"contacts": [{"email": "a@example.com"}]}
    assert client.post("/contacts/", json=body, headers=t.headers).status_code == 403
    assert (
        client.post("/activities/", json={"activities": []}, headers=t.headers).status_code == 403
    )
    assert client.post("/segments/", json={"name": "x"}, headers=t.headers).status_code == 403
    assert client.post("/contacts/", json=body).status_code == 401


def _contacts(client: TestClient, t: Tenant, n: int) -> list[str]:
    rows = [{"email": f"c{i}@example.com"} for i in range(n)]
    r = client.post("/contacts/", json={"contacts": rows}, headers=t.headers)
    return [c["id"] for c in r.json()["contacts"]]


def test_activities_append_by_id_or_email(client: TestClient, factory: Factory) -> None:
    t = h.tenant(factory)
    ids = _contacts(client, t, 2)
    purchase = {
        "purchaseId": "P-1",
        "amount": 19.9,
        "currency": "EUR",
        "products": [{"id": "a"}, {"id": "b"}],
    }
    r = client.post(
        "/activities/",
        json={
            "activities": [
                {
                    "contactId": ids[0],
                    "type": "purchase",
                    "occurredAt": "2024-03-01T10:00:00+02:00",
                    "payload": purchase,
                },
                {"email": "C1@example.com", "type": "login", "occurredAt": "2024-03-02T00:00:00Z"},
            ]
        },
        headers=t.headers,
    )
    assert r.status_code == 201, r.text
    out = ActivityBatchOut.model_validate(r.json(), strict=True)
    assert out.inserted == 2
    with transaction(factory.sessions) as s:
        rows = {a.id: a for a in s.scalars(select(Activity).where(Activity.id.in_(out.ids)))}
    bought = rows[out.ids[0]]
    assert bought.occurred_at.isoformat() == "2024-03-01T08:00:00+00:00"
    assert (bought.purchase_id, bought.amount, bought.currency, bought.product_ids) == (
        "P-1",
        "19.9",
        "EUR",
        "a|b",
    )
    assert orjson.loads(bought.payload) == purchase
    assert rows[out.ids[1]].contact_id == ids[1]


def test_one_bad_activity_rejects_the_batch(client: TestClient, factory: Factory) -> None:
    t, other = h.tenant(factory), h.tenant(factory)
    ids = _contacts(client, t, 1)
    foreign = _contacts(client, other, 1)
    good = {"contactId": ids[0], "type": "login", "occurredAt": "2024-03-02T00:00:00Z"}
    batch = [good] * 6
    batch[2] = {**good, "contactId": foreign[0]}
    batch[4] = {**good, "type": "Not Kebab"}
    batch[5] = {**good, "occurredAt": "soon"}
    r = client.post("/activities/", json={"activities": batch}, headers=t.headers)
    assert problem_paths(r) == ["/activities/4/type"]
    batch[4] = good
    r = client.post("/activities/", json={"activities": batch}, headers=t.headers)
    assert problem_paths(r) == ["/activities/2/contactId", "/activities/5/occurredAt"]
    r = client.post("/activities/", json={"activities": [good] * 5001}, headers=t.headers)
    assert problem_paths(r) == ["/activities"]
    assert count(factory, Activity, t.account_id) == 0
    r = client.post("/activities/", json={"activities": [good] * 5000}, headers=t.headers)
    assert r.status_code == 201
    assert count(factory, Activity, t.account_id) == 5000


def test_segments_and_members(client: TestClient, factory: Factory) -> None:
    t, other = h.tenant(factory), h.tenant(factory)
    ids = _contacts(client, t, 3)
    foreign = _contacts(client, other, 1)
    r = client.post("/segments/", json={"name": "VIP"}, headers=t.headers)
    assert r.status_code == 201, r.text
    seg = SegmentOut.model_validate(r.json(), strict=True)
    assert r.headers["location"] == f"/segments/{seg.id}"
    members = f"/segments/{seg.id}/members"
    r = client.post(members, json={"add": [*ids, ids[0]]}, headers=t.headers)
    assert r.json()["size"] == 3
    r = client.post(members, json={"add": [ids[0]], "remove": [ids[1]]}, headers=t.headers)
    assert r.json()["size"] == 2
    r = client.post(members, json={"add": [foreign[0]]}, headers=t.headers)
    assert problem_paths(r) == ["/add/0"]
    assert client.get(f"/segments/{seg.id}", headers=t.headers).json()["size"] == 2
    assert client.get(f"/segments/{seg.id}", headers=other.headers).status_code == 404
    assert client.post(members, json={"add": foreign}, headers=other.headers).status_code == 404


def test_demo_seeder_loads_contacts_segments_and_activities(factory: Factory) -> None:
    t = h.tenant(factory)
    now = utcnow()
    with transaction(factory.sessions, write=True) as s:
        made = seed_marketing(
            s, t.account_id, random.Random(1), now, contacts=50, activities=400, days=60
        )
    assert made["contacts"] == count(factory, Contact, t.account_id) == 50
    assert made["activities"] == count(factory, Activity, t.account_id) == 400
    assert count(factory, Segment, t.account_id) == 3
    assert count(factory, SegmentMember) == made["segment members"] > 0
    with transaction(factory.sessions) as s:
        oldest = s.scalar(select(func.min(Activity.occurred_at)))
        bought = s.scalars(select(Activity).where(Activity.type == "purchase")).first()
    assert oldest is not None
    assert now - oldest < timedelta(days=60)
    assert bought is not None
    assert bought.purchase_id


def test_purchase_columns_never_hold_a_formula_in_amount() -> None:
    assert purchase_columns({"amount": 12})["amount"] == "12"
    assert purchase_columns({"amount": "19.90"})["amount"] == "19.90"
    assert purchase_columns({"amount": "=HYPERLINK(1)"})["amount"] is None
    assert purchase_columns({"amount": True})["amount"] is None
    assert purchase_columns({"products": ["a", {"id": "b"}, {"productId": 7}]})["product_ids"] == (
        "a|b|7"
    )


def test_ingestion_bodies_need_a_json_content_type(client: TestClient, factory: Factory) -> None:
    t = h.tenant(factory)
    segment = client.post("/segments/", json={"name": "s"}, headers=t.headers).json()["id"]
    bodies = {
        "/contacts/": {"contacts": [{"email": "a@example.com"}]},
        "/activities/": {"activities": []},
        "/segments/": {"name": "vip"},
        f"/segments/{segment}/members": {"add": []},
    }
    for path, body in bodies.items():
        raw = orjson.dumps(body)
        for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
            headers = dict(t.headers)
            if content_type is not None:
                headers["content-type"] = content_type
            r = client.post(path, content=raw, headers=headers)
            assert r.status_code == 415, (path, content_type, r.text)
            assert r.json()["detail"] == "Content-Type must be application/json"
        # The key is still checked first.
        r = client.post(path, content=raw, headers={"sivi-api-key": "nope:nope"})
        assert r.status_code == 401, r.text
    assert count(factory, Contact, t.account_id) == 0
    assert count(factory, Segment, t.account_id) == 1
