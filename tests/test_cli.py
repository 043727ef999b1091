"""The ``brandkit`` command: accounts, keys (create/list/revoke/rotate) and the demo data."""

from __future__ import annotations

import os
import stat
from pathlib import Path

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
    monkeypatch.setenv("BRANDKIT_SECRET_KEY", "test-signing-key")
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
