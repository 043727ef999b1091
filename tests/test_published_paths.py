"""Every path of the published OpenAPI documents is routed by Brandkit (under the tier prefixes
they use), and media/generate answers its documented refusal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from brandkit.kit.routing import canonical_path
from tests.factories import Factory

PUBLISHED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "sivi-docs" / "openapi"


def test_every_published_path_is_routed(app: FastAPI) -> None:
    if not PUBLISHED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI has the published documents at {PUBLISHED}")
        pytest.skip("the published OpenAPI documents are not beside the repository")
    ours = app.openapi()["paths"]
    known = set(ours)
    missing = []
    walked = 0
    for file in sorted(PUBLISHED.glob("*.json")):
        for path, ops in json.loads(file.read_text())["paths"].items():
            for method, op in ops.items():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                walked += 1
                route = canonical_path(path, known)
                if method not in ours.get(route, {}):
                    missing.append(f"{method.upper()} {path} ({file.name})")
    assert walked >= 40
    assert missing == []


def test_media_generate_is_a_documented_refusal(client: TestClient, factory: Factory) -> None:
    t = factory.tenant()
    r = client.post(
        "/media/generate", json={"prompt": "a logo", "model": "z-image-turbo"}, headers=t.headers
    )
    assert r.status_code == 422
    assert r.json()["body"]["message"] == "Model 'z-image-turbo' is not supported."
    r = client.post("/media/generate", json={"prompt": 5}, headers=t.headers)
    assert r.json()["body"]["message"] == "Prompt is required and must be a string."
