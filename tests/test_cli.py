"""The ``brandkit`` command: accounts, keys (create/list/revoke/rotate) and the demo data."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from brandkit.cli import app as cli
from brandkit.config import Settings
from brandkit.kit.mediatypes import MEDIA_KINDS

runner = CliRunner()


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    """The CLI reads its settings from the environment, pointed here at the test database."""
    monkeypatch.chdir(tmp_path)  # no stray .env file
    monkeypatch.setenv("COLUMNS", "250")  # rich would wrap ids in its tables
    monkeypatch.setenv("BRANDKIT_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("BRANDKIT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("BRANDKIT_SECRET_KEY", "test-signing-key-of-32-characters")
    monkeypatch.setenv("BRANDKIT_PUBLIC_BASE_URL", "http://testserver")
    return settings


def run(*args: str) -> str:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1].strip()


def test_keys_create_list_revoke_rotate(env: Settings, client: TestClient) -> None:
    account = last_line(run("accounts", "create", "Acme"))
    assert account in run("accounts", "list")
    token = last_line(run("keys", "create", "--account", account, "--tier", "enterprise"))
    key_id, _, secret = token.partition(":")
    assert key_id.startswith("bk_")
    assert secret

    listed = run("keys", "list", "--account", account)
    assert key_id in listed
    assert secret not in listed

    login = client.post(
        "/super/login-user", json={"abstractUserId": "x"}, headers={"sivi-api-key": token}
    )
    assert login.status_code == 200

    successor = last_line(run("keys", "rotate", key_id))
    assert successor.partition(":")[0] != key_id
    media = client.post("/media/get", json={}, headers={"sivi-api-key": token})
    assert media.status_code == 401
    media = client.post("/media/get", json={}, headers={"sivi-api-key": successor})
    assert media.status_code == 200
    # The successor keeps the tier.
    login = client.post(
        "/super/login-user", json={"abstractUserId": "x"}, headers={"sivi-api-key": successor}
    )
    assert login.status_code == 200

    run("keys", "revoke", successor.partition(":")[0])
    media = client.post("/media/get", json={}, headers={"sivi-api-key": successor})
    assert media.status_code == 401


def test_key_with_scopes_and_a_general_tier(env: Settings, client: TestClient) -> None:
    account = last_line(run("accounts", "create", "Acme"))
    token = last_line(
        run("keys", "create", "--account", account, "--scope", "export:read", "--user", "eve")
    )
    assert "export:read" in run("keys", "list")
    r = client.post(
        "/super/login-user", json={"abstractUserId": "x"}, headers={"sivi-api-key": token}
    )
    assert r.status_code == 403


def test_revoking_an_unknown_key_fails(env: Settings) -> None:
    result = runner.invoke(cli, ["keys", "revoke", "bk_nothing"])
    assert result.exit_code != 0


def test_demo_loads_once_and_its_data_is_served(env: Settings, client: TestClient) -> None:
    out = run("demo", "--if-empty")
    key_file = env.data_dir / "demo-key"
    token = key_file.read_text().strip()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert token in out
    assert "curl" in out
    assert "get-design-variants" in out
    # The console's URL, where the printed key signs in and shows the demo's designs.
    assert out.strip().splitlines()[-1] == "http://testserver/console"
    from tests.console.helpers import sign_in

    assert sign_in(client, token).status_code == 303
    assert 'class="variant"' in client.get("/console/designs").text
    client.cookies.clear()
    headers = {"sivi-api-key": token}

    # A second --if-empty run loads nothing more and prints the same key.
    again = run("demo", "--if-empty")
    assert token in again
    assert "loaded" not in again

    # Every design lists its variants, both kinds present, and their images are real files.
    r = client.post(
        "/enterprise/get-design-variants", json={"userId": _user(client, headers)}, headers=headers
    )
    variations = r.json()["body"]["variations"]
    assert variations
    assert {v["variantType"] for v in variations} == {"GENERATED", "EDITED"}
    for v in variations[:8]:
        image = client.get(v["variantImageUrl"].removeprefix("http://testserver"))
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/jpeg"
        assert image.content[:3] == b"\xff\xd8\xff"

    for media_type in MEDIA_KINDS:
        r = client.post(
            "/media/get", json={"type": media_type, "abstractUserId": "alice"}, headers=headers
        )
        (first, *_) = r.json()["body"]["media"]
        served = client.get(first["url"].removeprefix("http://testserver"))
        assert served.status_code == 200
        if media_type in ("illustration", "icon"):
            assert served.headers["content-type"].startswith("image/svg+xml")
        r = client.post(
            "/media/get", json={"type": media_type, "system": "SYSTEM"}, headers=headers
        )
        assert r.json()["body"]["media"], media_type


def _user(client: TestClient, headers: dict[str, str]) -> str:
    r = client.post("/super/login-user", json={"abstractUserId": "alice"}, headers=headers)
    user_id: str = r.json()["body"]["userId"]
    return user_id


def _brandkit(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command in a process of its own, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "brandkit.cli", *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("BRANDKIT_DATABASE_URL", "mysql://root@localhost/brandkit", "unsupported database URL"),
        ("BRANDKIT_PUBLIC_BASE_URL", "ftp://files.example.com", "not an http(s) URL"),
        ("BRANDKIT_PUBLIC_BASE_URL", "https://x.example.com/?a=1", "query or a fragment"),
        ("BRANDKIT_EDITOR_BASE_URL", "nowhere", "not an http(s) URL"),
        ("BRANDKIT_RATE_LIMIT_GENERAL", "-3", "BRANDKIT_RATE_LIMIT_GENERAL"),
        ("BRANDKIT_SECRET_KEY", "too-short", "at least 32 characters"),
    ],
)
def test_a_bad_setting_is_one_line_and_a_nonzero_exit(
    tmp_path: Path, setting: str, value: str, named: str
) -> None:
    env = {"BRANDKIT_DATA_DIR": str(tmp_path / "data"), setting: value}
    for args in (["migrate"], ["serve", "--port", "1"], ["keys", "list"]):
        done = _brandkit(args, env, tmp_path)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert named in lines[0]
        assert setting in lines[0]


def test_an_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    env = {"BRANDKIT_DATA_DIR": str(tmp_path / "data")}
    assert _brandkit(["migrate"], env, tmp_path).returncode == 0
    done = _brandkit(["accounts", "create", "Shop", "--timezone", "Mars/Olympus"], env, tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: 'Mars/Olympus' is not an IANA time zone (e.g. Europe/Madrid)"
    ]
    ok = _brandkit(["accounts", "create", "Shop", "--timezone", "Europe/Madrid"], env, tmp_path)
    assert ok.returncode == 0, ok.stderr


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    # A port nothing listens on: the connection is refused at once.
    env = {"BRANDKIT_DATABASE_URL": "postgresql://postgres@127.0.0.1:9/none"}
    done = _brandkit(["migrate"], env, tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("error: cannot use the database:")
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_hands_out_urls_on_its_own_port(tmp_path: Path) -> None:
    env = {"BRANDKIT_DATA_DIR": str(tmp_path / "data"), "BRANDKIT_EMBEDDED_WORKER": "false"}
    env.pop("BRANDKIT_PUBLIC_BASE_URL", None)
    assert _brandkit(["migrate"], env, tmp_path).returncode == 0
    account = _brandkit(["accounts", "create", "Shop"], env, tmp_path).stdout.split()[-1]
    token = _brandkit(["keys", "create", "--account", account], env, tmp_path).stdout.split()[-1]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    clean = {k: v for k, v in os.environ.items() if k != "BRANDKIT_PUBLIC_BASE_URL"}
    server = subprocess.Popen(
        [sys.executable, "-m", "brandkit.cli", "serve", "--port", str(port)],
        env={**clean, **env},
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        r = httpx.post(
            base + "/files/get-presigned-url",
            json={"type": "photo", "extension": "png"},
            headers={"sivi-api-key": token},
        )
        assert r.status_code == 200, r.text
        assert r.json()["body"]["uploadUrl"].startswith(base + "/files/uploads/")
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_json_and_piped_output_carry_whole_ids(env: Settings, client: TestClient) -> None:
    import orjson

    account = orjson.loads(last_line(run("accounts", "create", "Wide", "--json")))["id"]
    token = orjson.loads(last_line(run("keys", "create", "--account", account, "--json")))["token"]
    key_id = token.partition(":")[0]
    keys = orjson.loads(run("keys", "list", "--account", account, "--json"))
    assert [k["key id"] for k in keys] == [key_id]
    assert token.partition(":")[2] not in run("keys", "list", "--json")
    accounts_rows = orjson.loads(run("accounts", "list", "--json"))
    assert account in [a["id"] for a in accounts_rows]
    # Piped (CliRunner is no terminal): tab-separated lines, header first, nothing cut short.
    lines = run("accounts", "list").strip().splitlines()
    assert lines[0].split("\t") == ["id", "name", "timezone", "created"]
    assert any(line.split("\t")[0] == account for line in lines[1:])
    rotated = orjson.loads(last_line(run("keys", "rotate", key_id, "--json")))["token"]
    assert rotated != token


def test_demo_in_json(env: Settings, client: TestClient) -> None:
    import orjson

    first = orjson.loads(last_line(run("demo", "--if-empty", "--json")))
    assert first["loaded"] is True
    assert first["token"] == (env.data_dir / "demo-key").read_text().strip()
    assert first["curl"].startswith("curl ")
    again = orjson.loads(last_line(run("demo", "--if-empty", "--json")))
    assert again == {**first, "loaded": False}
