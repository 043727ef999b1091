"""Schema-driven fuzzing: every operation of the live OpenAPI document, valid and invalid input.

Each operation gets generated requests (schemathesis over hypothesis) sent in-process with a valid
enterprise key holding every scope, against a database seeded with one tenant's data; the ids of
that data are mixed into generated bodies so that success paths are reached too, not only 400s.
Checks: no 5xx, status codes, content types, headers and bodies as documented, invalid input
refused, and the envelope of the route's family (``{"status", "body"}`` with the HTTP status
equal to ``status``, or ``{"title", "status", "detail"}``) with no trace of a stack trace.

Operations are read from the application at collection, so routes that land later are fuzzed
without editing this file. ``BRANDKIT_FUZZ_EXAMPLES`` raises the examples per operation and mode
(CI form: 20; ``make soak`` uses 300).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, CheckContext, GenerationMode, Response
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from brandkit.app import create_app
from brandkit.config import Settings
from brandkit.kit.render import uses_problem_style
from tests.factories import Factory

EXAMPLES = int(
    os.environ.get("BRANDKIT_FUZZ_EXAMPLES", "600" if os.environ.get("BRANDKIT_SOAK") else "5")
)
ALL_SCOPES = ["export:read", "export:write", "contacts:write", "activities:write"]


def _live_operations() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            Settings(
                _env_file=None,
                data_dir=Path(tmp),
                database_url=f"sqlite:///{tmp}/schema.db",
                secret_key="collect-the-operations-of-the-app",
                embedded_worker=False,
            )
        )
        paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
        app.state.engine.dispose()
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


OPERATIONS = _live_operations()


def _envelope_of_the_family(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    text = response.text or ""
    assert "Traceback" not in text, "a stack trace reached the client"
    assert 'File "' not in text, "a stack trace reached the client"
    # Probes answer in the orchestrators' plain form, not in an API family's envelope.
    probe = {"/healthz": (200,), "/readyz": (200, 503)}.get(case.operation.path, ())
    if response.status_code in probe:
        return None
    if "json" not in (response.headers.get("content-type") or [""])[0]:
        return None
    data = json.loads(text)
    if uses_problem_style(case.operation.path):
        if response.status_code >= 400:
            assert {"title", "status", "detail"} <= set(data), data
            assert data["status"] == response.status_code, data
        return None
    assert set(data) == {"status", "body"}, data
    assert data["status"] == response.status_code, data
    if response.status_code >= 400:
        assert isinstance(data["body"].get("message"), str), data
    return None


POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    _envelope_of_the_family,
]


@pytest.fixture
def fuzz_app(settings: Settings, app: FastAPI) -> FastAPI:
    # Fuzzing sends hundreds of requests a minute with one key: rate limits are tested elsewhere.
    settings.rate_limit_enterprise = 10**9
    settings.rate_limit_export = 10**9
    return app


def _known_values(factory: Factory) -> dict[str, list[Any]]:
    """Ids and values that exist in the seeded account, by the body field names that take them."""
    tenant = factory.tenant(scopes=ALL_SCOPES)
    other, _ = factory.user(tenant.account_id, "fuzz-user")
    design = factory.design(tenant.user)
    factory.variants(design, 3)
    factory.variants(design, 2, variant_type="EDITED")
    media = factory.media(tenant.user, 3)
    factory.content(tenant.user, 2)
    now = int(time.time())
    return {
        "headers": [tenant.headers],
        "designId": [design.id],
        "userId": [tenant.user.id, other.id],
        "workspaceId": [tenant.workspace.id],
        "abstractUserId": ["admin", "fuzz-user"],
        "mId": [m.id for m in media],
        "mIds": [[m.id for m in media[:2]]],
        "startDate": [now - 7 * 86400, (now - 86400) * 1000],
        "endDate": [now, now * 1000],
        "type": ["photo", "all"],
    }


def _with_known_values(data: st.DataObject, body: Any, known: dict[str, list[Any]]) -> Any:
    if not isinstance(body, dict):
        return body
    out = dict(body)
    for name, values in known.items():
        if name in out and data.draw(st.booleans(), label=f"use a real {name}"):
            out[name] = data.draw(st.sampled_from(values), label=name)
    return out


# Text no column can hold, put into generated requests: each must be refused as bad input (a 4xx
# in the family's envelope), never reach the database as a 500. (Lone surrogates, which the
# client here cannot encode, travel as JSON escapes in tests/robustness/test_hostile_input.py.)
HOSTILE_TEXT = st.sampled_from(["\x00", "x\x00y", "\x00" * 3])


def _with_hostile_text(data: st.DataObject, value: Any) -> Any:
    """``value`` with one of its strings (chosen by ``data``) made hostile, or as it is."""
    places: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, str):
            places.append(path)
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))

    walk(value, ())
    if not places or not data.draw(st.booleans(), label="hostile text"):
        return value
    place = data.draw(st.sampled_from(places), label="where")
    text = data.draw(HOSTILE_TEXT, label="text")
    if not place:
        return value + text
    copy = json.loads(json.dumps(value))
    node = copy
    for step in place[:-1]:
        node = node[step]
    node[place[-1]] = node[place[-1]] + text
    return copy


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_its_schema(
    fuzz_app: FastAPI, factory: Factory, method: str, path: str
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    operation = schema[path][method]
    known = _known_values(factory)
    headers: dict[str, str] = known.pop("headers")[0]
    # The GET forms carry the POST body as JSON in `queryParams`: fuzz them with real bodies.
    twin = schema[path]["POST"] if method == "GET" and ("POST", path) in OPERATIONS else None

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        checks = POSITIVE_CHECKS
        if mode is GenerationMode.NEGATIVE:
            checks = [*POSITIVE_CHECKS, negative_data_rejection]

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
        def run(case: Case[Any], data: st.DataObject) -> None:
            if mode is GenerationMode.POSITIVE:  # noqa: B023
                if twin is not None and data.draw(st.booleans(), label="real queryParams"):
                    body = data.draw(twin.as_strategy(), label="body").body
                    case.query = {"queryParams": json.dumps(_with_known_values(data, body, known))}
                elif case.body is not None:
                    case.body = _with_known_values(data, case.body, known)
                if case.body is not None:
                    case.body = _with_hostile_text(data, case.body)
                if case.path_parameters:
                    case.path_parameters = _with_hostile_text(data, case.path_parameters)
            case.call_and_validate(headers=headers, checks=checks)  # noqa: B023

        if mode is GenerationMode.NEGATIVE and not _can_be_negative(operation):
            continue
        try:
            run()
        except Unsatisfiable:
            # Some operations have no invalid input at all (a free-form path id): nothing to send.
            if mode is GenerationMode.POSITIVE:
                raise


def _can_be_negative(operation: Any) -> bool:
    return bool(operation.body or operation.query or operation.path_parameters)
