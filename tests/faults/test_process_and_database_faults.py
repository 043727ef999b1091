"""Faults with real processes: the API process killed with SIGKILL under write load and started
again, and its PostgreSQL connections terminated by the database, idle and mid-request."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, make_url, text

from tests.factories import Factory, Tenant
from tests.faults.live import LiveServer, live_server

SERVER_ERROR_BODY = {"status": 503, "body": {"message": "Service temporarily unavailable."}}


def _hammer_login(server: LiveServer, tenant: Tenant, stop: threading.Event) -> dict[str, str]:
    """Four clients creating users until ``stop``; returns the users the server confirmed."""
    confirmed: dict[str, str] = {}

    def client(n: int) -> None:
        with httpx.Client(base_url=server.base_url, timeout=5) as c:
            i = 0
            while not stop.is_set():
                name = f"w{n}-{i}"
                i += 1
                try:
                    r = c.post(
                        "/super/login-user", json={"abstractUserId": name}, headers=tenant.headers
                    )
                except httpx.TransportError:
                    time.sleep(0.01)
                    continue
                if r.status_code == 200:
                    confirmed[name] = r.json()["body"]["userId"]

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    server.kill()
    time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(10)
    return confirmed


def test_a_killed_server_loses_nothing_it_confirmed_and_leaves_nothing_half_made(
    pg_url: str, pg_factory: Factory, pg_engine: Engine, tmp_path: Path
) -> None:
    tenant = pg_factory.tenant()
    server = LiveServer(pg_url, tmp_path / "data")
    server.start()
    try:
        confirmed = _hammer_login(server, tenant, threading.Event())
        assert len(confirmed) >= 10, "the load before the kill did not get going"
        server.start()
        with httpx.Client(base_url=server.base_url, timeout=5) as c:
            for name, user_id in confirmed.items():
                r = c.post(
                    "/super/login-user", json={"abstractUserId": name}, headers=tenant.headers
                )
                assert r.status_code == 200, r.text
                assert r.json()["body"]["userId"] == user_id, name
    finally:
        server.stop()

    with pg_engine.connect() as conn:
        # Every user the killed process began is whole: one personal workspace, a membership.
        broken = conn.execute(
            text(
                """
                SELECT u.id FROM users u
                LEFT JOIN workspaces w ON w.owner_user_id = u.id AND w.personal
                LEFT JOIN workspace_members m ON m.workspace_id = w.id AND m.user_id = u.id
                WHERE u.account_id = :a
                GROUP BY u.id HAVING count(DISTINCT w.id) <> 1 OR count(m.user_id) <> 1
                """
            ),
            {"a": tenant.account_id},
        ).all()
        users = conn.execute(
            text("SELECT abstract_user_id FROM users WHERE account_id = :a"),
            {"a": tenant.account_id},
        ).scalars()
        assert not broken
        assert set(confirmed) <= set(users)


def _admin(pg_url: str) -> Engine:
    return create_engine(pg_url, isolation_level="AUTOCOMMIT")


def _app_backends(admin: Engine, database: str, waiting_on_lock: bool) -> list[int]:
    query = (
        "SELECT pid FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend'"
    )
    if waiting_on_lock:
        query += " AND wait_event_type = 'Lock'"
    with admin.connect() as conn:
        return list(conn.execute(text(query), {"db": database}).scalars())


def test_connection_dropped_mid_request_is_a_clean_503_and_the_next_request_works(
    pg_url: str, pg_factory: Factory, tmp_path: Path
) -> None:
    tenant = pg_factory.tenant()
    design = pg_factory.design(tenant.user)
    pg_factory.variants(design, 3)
    database = make_url(pg_url).database or ""
    admin = _admin(pg_url)
    body = {"designId": design.id}
    with (
        live_server(pg_url, tmp_path / "data") as server,
        httpx.Client(base_url=server.base_url, timeout=20) as c,
    ):
        assert c.post("/enterprise/get-design-variants", json=body, headers=tenant.headers)
        with admin.connect() as locker:
            # Hold the table so the request is caught inside its query, then cut its connection.
            locker.execute(text("BEGIN"))
            locker.execute(text("LOCK TABLE variants IN ACCESS EXCLUSIVE MODE"))
            answer: list[httpx.Response] = []
            request = threading.Thread(
                target=lambda: answer.append(
                    c.post("/enterprise/get-design-variants", json=body, headers=tenant.headers)
                )
            )
            request.start()
            deadline = time.monotonic() + 10
            while not (waiting := _app_backends(admin, database, waiting_on_lock=True)):
                assert time.monotonic() < deadline, "the request never reached the lock"
                time.sleep(0.05)
            with admin.connect() as conn:
                for pid in waiting:
                    conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            request.join(20)
            locker.execute(text("ROLLBACK"))
        r = answer[0]
        assert r.status_code == 503, r.text
        assert r.json()["status"] == 503
        assert set(r.json()["body"]) == {"message"}
        assert "Traceback" not in r.text
        assert "psycopg" not in r.text
        assert r.headers["retry-after"]
        assert r.headers["x-request-id"] in server.log()

        r = c.post("/enterprise/get-design-variants", json=body, headers=tenant.headers)
        assert r.status_code == 200, r.text
        assert len(r.json()["body"]["variations"]) == 3
    admin.dispose()


def test_idle_connections_terminated_by_the_database_are_replaced_unseen(
    pg_url: str, pg_factory: Factory, tmp_path: Path
) -> None:
    tenant = pg_factory.tenant()
    database = make_url(pg_url).database or ""
    admin = _admin(pg_url)
    with (
        live_server(pg_url, tmp_path / "data") as server,
        httpx.Client(base_url=server.base_url, timeout=10) as c,
    ):
        for _ in range(3):
            assert c.post("/media/get", json={}, headers=tenant.headers).status_code == 200
            pids = _app_backends(admin, database, waiting_on_lock=False)
            with admin.connect() as conn:
                for pid in pids:
                    conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        r = c.post("/media/get", json={}, headers=tenant.headers)
        assert r.status_code == 200, r.text
    admin.dispose()
