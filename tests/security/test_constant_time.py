"""Secrets and signatures are compared with ``hmac.compare_digest``, never with ``==``, so the time
a comparison takes says nothing about how much of a guess was right."""

from __future__ import annotations

import hmac
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from brandkit.accounts.tokens import (
    ACCESS_PREFIX,
    hash_secret,
    mint_access_token,
    read_token,
    secret_matches,
)
from brandkit.kit.cursors import decode_cursor, encode_cursor
from brandkit.kit.errors import InvalidInput
from tests.factories import Factory

Calls = list[tuple[object, object]]


@pytest.fixture
def compare_calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    calls: Calls = []
    real: Callable[[object, object], bool] = hmac.compare_digest  # type: ignore[assignment]

    def spy(a: object, b: object) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    return calls


def test_secret_check_compares_hashes_with_compare_digest(compare_calls: Calls) -> None:
    stored = hash_secret("the-right-secret")
    assert secret_matches("the-right-secret", stored)
    assert not secret_matches("the-wrong-secret", stored)
    assert compare_calls == [
        (stored, stored),
        (hash_secret("the-wrong-secret"), stored),
    ]


def test_a_request_with_a_wrong_secret_is_judged_by_compare_digest(
    client: TestClient, factory: Factory, compare_calls: Calls
) -> None:
    tenant = factory.tenant()
    wrong = f"{tenant.key_id}:not-the-secret"
    r = client.post("/media/get", json={}, headers={"sivi-api-key": wrong})
    assert r.status_code == 401
    assert (hash_secret("not-the-secret"), hash_secret(tenant.token.partition(":")[2])) in (
        compare_calls
    )


def test_signed_tokens_and_cursors_verify_with_compare_digest(compare_calls: Calls) -> None:
    key = b"k" * 32
    token = mint_access_token(key, "acct", "user", "key")
    assert read_token(ACCESS_PREFIX, key, token) is not None
    assert len(compare_calls) == 1
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert read_token(ACCESS_PREFIX, key, tampered) is None
    assert len(compare_calls) == 2

    cursor = encode_cursor(key, "ctx", [1, "a"])
    assert decode_cursor(key, "ctx", cursor) == [1, "a"]
    with pytest.raises(InvalidInput):
        decode_cursor(key, "other-ctx", cursor)
    assert len(compare_calls) == 4
