"""Webhooks end to end over real HTTP: the API with its embedded worker delivers to a receiver on
loopback. Every status change of a request arrives exactly once (deduplicated by webhook-id) and
in order, signed so that the Standard Webhooks verifier accepts it; a receiver that fails gets the
event once it recovers; exports announce their end."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from typer.testing import CliRunner

from brandkit.cli import app as cli
from tests.factories import Factory, Tenant
from tests.generation.conftest import AssetServer
from tests.storage.conftest import Live
from tests.webhooks.conftest import Delivery, Receiver

PAGE = b"""<!doctype html><html><head><title>Acme Bakery</title>
<meta name="description" content="Bread at dawn"><style>body{color:#7a3e12}</style></head>
<body><h1>Acme Bakery</h1></body></html>"""


@pytest.fixture(scope="module")
def site() -> Iterator[AssetServer]:
    server = AssetServer()
    server.files["/brand.html"] = (PAGE, "text/html; charset=utf-8")
    yield server
    server.close()


def set_hook(live: Live, tenant: Tenant, url: str | None) -> str | None:
    r = live.http.post("/update-webhook", json={"webhookUrl": url}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    secret: str | None = r.json()["body"]["secret"]
    return secret


def extract(live: Live, tenant: Tenant, site: AssetServer, **extra: Any) -> str:
    body = {"brandUrl": f"{site.url}/brand.html", **extra}
    r = live.http.post("/brand/extract", json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    request_id: str = r.json()["body"]["requestId"]
    return request_id


def statuses(deliveries: list[Delivery], request_id: str) -> list[str]:
    return [
        d.json["body"]["status"] for d in deliveries if d.json["body"]["requestId"] == request_id
    ]


def ended(count: int) -> Any:
    def check(got: list[Delivery]) -> bool:
        return sum(d.json["body"]["status"] in ("completed", "failed") for d in got) >= count

    return check


def status_now(live: Live, tenant: Tenant, request_id: str) -> dict[str, Any]:
    r = live.http.post(
        "/get-request-status", json={"requestId": request_id}, headers=tenant.headers
    )
    assert r.status_code == 200
    answer: dict[str, Any] = r.json()
    return answer


def test_every_status_change_arrives_once_in_order_signed(
    hooks: Live, factory: Factory, receiver: Receiver, site: AssetServer
) -> None:
    t = factory.tenant(tier="general")
    secret = set_hook(hooks, t, receiver.url)
    assert secret is not None
    assert secret.startswith("whsec_")
    brand_requests = [extract(hooks, t, site) for _ in range(3)]
    design = {
        "name": "Bakery",
        "type": "instagram",
        "subtype": "instagram-post",
        "numOfVariants": 1,
        "content": {"title": "Fresh bread every morning"},
    }
    r = hooks.http.post("/designs-from-content", json=design, headers=t.headers)
    assert r.status_code == 200, r.text
    design_request = r.json()["body"]["requestId"]
    receiver.wait_for(ended(4), timeout=60)
    time.sleep(0.5)  # nothing more may come

    accepted = receiver.accepted()
    # Exactly once: no message was accepted twice, and every 2xx was a different message.
    answered_ok = [d for d in receiver.received if 200 <= d.answered < 300]
    assert len(answered_ok) == len(accepted) == 12
    for request_id in [*brand_requests, design_request]:
        assert statuses(accepted, request_id) == ["pending", "processing", "completed"]
        last = [d for d in accepted if d.json["body"]["requestId"] == request_id][-1]
        # The payload is what get-request-status answers, in its envelope.
        assert last.json == status_now(hooks, t, request_id)
    verifier = Webhook(secret)
    for d in accepted:
        verifier.verify(d.body, d.headers)
        assert d.headers["content-type"] == "application/json"
        assert d.headers["webhook-id"].startswith("msg_")
    # The verifier is not a formality: a changed body or another secret fails it.
    with pytest.raises(WebhookVerificationError):
        verifier.verify(accepted[0].body.replace(b"pending", b"complete"), accepted[0].headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(accepted[0].body, accepted[0].headers)
    done = [d.json["body"] for d in accepted if d.json["body"]["requestId"] == design_request]
    assert done[-1]["link"].endswith(f"/#/design/{done[-1]['designId']}")
    assert len(done[-1]["result"]["variations"]) == 1


def test_a_receiver_failing_three_times_then_recovering_gets_every_event_in_order(
    hooks: Live,
    factory: Factory,
    receiver: Receiver,
    site: AssetServer,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    receiver.fail_first = 3
    t = factory.tenant(tier="general")
    set_hook(hooks, t, receiver.url)
    request_id = extract(hooks, t, site)
    receiver.wait_for(ended(1), timeout=60)
    accepted = receiver.accepted()
    assert statuses(accepted, request_id) == ["pending", "processing", "completed"]
    # Each message: three 500s, then the 200; and no message was tried before the one ahead
    # of it was delivered (in order per request, head of line).
    order = [(d.id, d.answered) for d in receiver.received]
    ids = [d.id for d in accepted]
    for n, message in enumerate(ids):
        answers = [status for mid, status in order if mid == message]
        assert answers == [500, 500, 500, 200]
        if n:
            first_try = next(i for i, (mid, _) in enumerate(order) if mid == message)
            ahead_ok = next(
                i for i, (mid, status) in enumerate(order) if mid == ids[n - 1] and status == 200
            )
            assert first_try > ahead_ok

    # The delivery log, read through the CLI.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRANDKIT_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("BRANDKIT_SECRET_KEY", "test-signing-key-of-32-characters")
    # The receiver sees the last 200 before the worker commits that attempt's log row.
    deadline = time.monotonic() + 10
    while True:
        out = CliRunner().invoke(cli, ["webhooks", "log", "--account", t.account_id, "--json"])
        assert out.exit_code == 0, out.output
        log = orjson.loads(out.output)
        if len(log) >= 12 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(log) == 12
    assert sorted(row["answer"] for row in log) == ["200"] * 3 + ["500"] * 9
    assert {row["event_status"] for row in log} == {"delivered"}
    assert all(
        row["error"] == "the receiver answered HTTP 500" for row in log if row["answer"] == "500"
    )
    listed = CliRunner().invoke(cli, ["webhooks", "list", "--account", t.account_id, "--json"])
    assert orjson.loads(listed.output)[0]["url"] == receiver.url


def test_a_receiver_that_never_recovers_is_given_up_after_the_window(
    settings: Any, engine: Any, factory: Factory, receiver: Receiver, site: AssetServer
) -> None:
    from tests.storage.conftest import live_app
    from tests.webhooks.conftest import HOOK_SETTINGS

    receiver.fail_first = 10**6
    lives = live_app(
        settings, engine, "local", None, **{**HOOK_SETTINGS, "webhook_retry_window_seconds": 1.5}
    )
    live = next(lives)
    try:
        t = factory.tenant(tier="general")
        set_hook(live, t, receiver.url)
        extract(live, t, site)
        runner = CliRunner()
        deadline = time.monotonic() + 30
        while True:
            env = {
                "BRANDKIT_DATABASE_URL": settings.effective_database_url,
                "BRANDKIT_SECRET_KEY": "test-signing-key-of-32-characters",
            }
            out = runner.invoke(
                cli, ["webhooks", "log", "--account", t.account_id, "--json"], env=env
            )
            rows = orjson.loads(out.output or b"[]")
            # The three events (pending, processing, completed), each tried and given up.
            if len({r["event"] for r in rows}) == 3 and {r["event_status"] for r in rows} == {
                "failed"
            }:
                break
            assert time.monotonic() < deadline, rows
            time.sleep(0.2)
        first = [r for r in rows if r["type"] == "request.pending"]
        # Retried every 0.2 s and once more as the window closed, then no more; the events
        # queued behind it had their one try when it gave up.
        assert len(first) >= 3
        count = len(receiver.received)
        time.sleep(1.0)
        assert len(receiver.received) == count
    finally:
        next(lives, None)


def test_removing_the_url_stops_deliveries(
    hooks: Live, factory: Factory, receiver: Receiver, site: AssetServer
) -> None:
    t = factory.tenant(tier="general")
    set_hook(hooks, t, receiver.url)
    r = hooks.http.post("/update-webhook", json={"webhookUrl": None}, headers=t.headers)
    assert r.json() == {
        "status": 200,
        "body": {"message": "Successfully removed the webhook URL", "secret": None},
    }
    extract(hooks, t, site)
    time.sleep(1.5)
    assert receiver.received == []


def test_export_events_carry_the_export_resource(
    hooks: Live, factory: Factory, receiver: Receiver
) -> None:
    t = factory.tenant(scopes=["export:read", "export:write"])
    r = hooks.http.put("/webhooks/", json={"url": receiver.url}, headers=t.headers)
    assert r.status_code == 200, r.text
    secret = r.json()["secret"]
    assert secret.startswith("whsec_")
    got = hooks.http.get("/webhooks/", headers=t.headers).json()
    assert got["url"] == receiver.url
    assert got["secret"] is None  # shown once
    r = hooks.http.post(
        "/exports/",
        json={"exportType": "contacts", "delimiter": ";", "dateFormat": "L", "version": "v2"},
        headers=t.headers,
    )
    assert r.status_code == 201, r.text
    export_id = r.json()["id"]
    receiver.wait_for(lambda got: len(got) >= 1, timeout=60)
    (event,) = receiver.accepted()
    Webhook(secret).verify(event.body, event.headers)
    assert event.json["id"] == export_id
    assert event.json["status"] == "finished"
    assert event.json["fileUrl"]
    now = hooks.http.get(f"/exports/{export_id}", headers=t.headers).json()
    assert {k: v for k, v in event.json.items() if k != "fileUrl"} == {
        k: v for k, v in now.items() if k != "fileUrl"
    }
    r = hooks.http.put("/webhooks/", json={"url": None}, headers=t.headers)
    assert r.json()["url"] is None
    assert hooks.http.get("/webhooks/", headers=t.headers).json()["url"] is None
