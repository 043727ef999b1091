"""Credits, the queue, and the user-management routes of SPEC 8 and 3.3."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from brandkit.config import Settings
from brandkit.credits import service as credits
from brandkit.credits.models import CreditCycle, CreditEntry
from brandkit.db import transaction, utcnow
from tests.exports.helpers import run_jobs
from tests.factories import Factory
from tests.storage.conftest import Live, live_app

BODY: dict[str, Any] = {
    "name": "n",
    "type": "email",
    "subtype": "small-square",
    "numOfVariants": 1,
    "content": {"title": "Summer sale"},
}


def _cycle(factory: Factory, account_id: str, granted: int) -> str:
    with transaction(factory.sessions, write=True) as s:
        return credits.set_cycle(s, account_id, granted, 30, utcnow()).id


def _used(factory: Factory, cycle_id: str) -> int:
    with transaction(factory.sessions) as s:
        cycle = s.get(CreditCycle, cycle_id)
        assert cycle is not None
        return cycle.used


@pytest.fixture
def api(settings: Settings, engine: Engine) -> Iterator[Live]:
    """The API over real HTTP with no worker: requests stay queued, so only reservations run."""
    yield from live_app(settings, engine, "local", None)


def test_parallel_requests_never_overspend(api: Live, factory: Factory) -> None:
    t = factory.tenant()
    n = 6
    cycle = _cycle(factory, t.account_id, n - 1)

    def submit(_: int) -> int:
        return api.http.post("/designs-from-content", json=BODY, headers=t.headers).status_code

    with ThreadPoolExecutor(n) as pool:
        codes = sorted(pool.map(submit, range(n)))
    assert codes == [200] * (n - 1) + [402]
    assert _used(factory, cycle) == n - 1
    refused = api.http.post("/designs-from-content", json=BODY, headers=t.headers).json()
    assert refused == {
        "status": 402,
        "body": {"message": "Not enough credits to complete the transaction"},
    }


def test_a_failed_request_refunds_and_what_is_made_is_debited(
    client: TestClient, app: FastAPI, factory: Factory
) -> None:
    t = factory.tenant()
    cycle = _cycle(factory, t.account_id, 3)
    bad = {**BODY, "numOfVariants": 3, "assets": {"images": [{"url": "http://127.0.0.1:9/x.jpg"}]}}
    r = client.post("/designs-from-content", json=bad, headers=t.headers)
    assert r.status_code == 200, r.text
    assert _used(factory, cycle) == 3
    assert client.post("/designs-from-content", json=BODY, headers=t.headers).status_code == 402
    run_jobs(app)
    status = client.post("/get-request-status", json=r.json()["body"], headers=t.headers)
    assert status.json()["body"]["status"] == "failed"
    assert _used(factory, cycle) == 0
    # Settling again (a retried finish) refunds nothing more.
    with transaction(factory.sessions, write=True) as s:
        assert credits.settle(s, r.json()["body"]["requestId"], 0, utcnow()) == 0
    ok = client.post("/designs-from-content", json={**BODY, "numOfVariants": 3}, headers=t.headers)
    assert ok.status_code == 200
    run_jobs(app)
    assert _used(factory, cycle) == 3
    with transaction(factory.sessions) as s:
        kinds = sorted(e.kind for e in s.scalars(select(CreditEntry)))
    assert kinds == ["refund", "reserve", "reserve"]


def test_an_end_users_own_limit(client: TestClient, factory: Factory) -> None:
    t = factory.tenant(tier="super")
    alice = factory.key(t.account_id, "general", user="alice")
    r = client.post(
        "/super/set-user-credit-limit",
        json={"abstractUserId": "alice", "creditLimit": 2},
        headers=t.headers,
    )
    assert r.json() == {"status": 200, "body": {"message": "Credit limit set successfully."}}
    two = {**BODY, "numOfVariants": 2}
    assert client.post("/designs-from-content", json=two, headers=alice).status_code == 200
    over = client.post("/designs-from-content", json=BODY, headers=alice)
    assert over.json() == {"status": 429, "body": {"message": "Insufficient credit limit"}}
    # The key's own user has no limit of its own.
    assert client.post("/designs-from-content", json=two, headers=t.headers).status_code == 200
    for bad in ({"creditLimit": -2}, {"creditLimit": "5"}, {"creditLimit": 1.5}, {}):
        r = client.post(
            "/super/set-user-credit-limit",
            json={"abstractUserId": "alice", **bad},
            headers=t.headers,
        )
        assert r.status_code == 422, bad
    r = client.post(
        "/enterprise/set-user-credit-limit",
        json={"abstractUserId": "nobody", "creditLimit": 1},
        headers=t.headers,
    )
    assert r.json() == {"status": 400, "body": {"message": "User does not exist"}}
    assert (
        client.post(
            "/super/set-user-credit-limit",
            json={"abstractUserId": "alice", "creditLimit": 1},
            headers=alice,
        ).status_code
        == 403
    )


def test_the_queue_of_a_general_key(settings: Settings, engine: Engine, factory: Factory) -> None:
    t = factory.tenant(tier="general")
    for live in live_app(settings, engine, "local", None, generation_in_flight_general=2):
        codes = [
            live.http.post("/designs-from-content", json=BODY, headers=t.headers) for _ in range(3)
        ]
        assert [r.status_code for r in codes] == [200, 200, 429]
        assert codes[2].headers["Retry-After"] == "5"
        assert codes[2].json()["body"]["message"] == "Rate limit exceeded. Please try again later."


def test_delete_reactivate_and_plan(client: TestClient, factory: Factory) -> None:
    t = factory.tenant(tier="super")
    factory.user(t.account_id, "carol")
    r = client.post("/super/delete-user", json={"abstractUserId": "carol"}, headers=t.headers)
    assert r.json()["body"]["message"] == "Successfully deleted the user"
    r = client.post("/super/reactivate-user", json={"abstractUserId": "carol"}, headers=t.headers)
    assert r.json() == {"status": 200, "body": {"message": "User reactivated successfully"}}
    again = client.post("/super/login-user", json={"abstractUserId": "carol"}, headers=t.headers)
    assert again.status_code == 200
    for who in ("carol", "never-deleted", "nobody"):
        r = client.post(
            "/enterprise/reactivate-user", json={"abstractUserId": who}, headers=t.headers
        )
        assert r.json() == {"status": 400, "body": {"message": "User does not exist"}}, who
    r = client.post(
        "/enterprise/update-user-plan",
        json={"abstractUserId": "carol", "planId": "ent-01"},
        headers=t.headers,
    )
    assert r.json() == {"status": 200, "body": {"message": "User plan updated successfully"}}
    r = client.post(
        "/super/update-user-plan", json={"abstractUserId": "carol", "planId": ""}, headers=t.headers
    )
    assert r.status_code == 422
