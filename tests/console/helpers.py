"""Signing in to the console as a browser does: read the form's CSRF token, post the key."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.testclient import TestClient

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, html
    return found.group(1)


def sign_in(client: TestClient | httpx.Client, token: str) -> Any:
    form = client.get("/console/sign-in")
    assert form.status_code == 200
    return client.post(
        "/console/sign-in",
        data={"token": token, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
