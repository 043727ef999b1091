"""Fault tests run real processes against PostgreSQL (the production database)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

from brandkit.config import Settings, normalise_database_url
from brandkit.db import make_engine, make_sessionmaker
from tests.conftest import POSTGRES_URL
from tests.factories import Factory


def fresh_postgres_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (a copy of the session's template), dropped after."""
    assert POSTGRES_URL, "needs BRANDKIT_TEST_POSTGRES_URL"
    admin: Engine = request.getfixturevalue("postgres_admin")
    template: str = request.getfixturevalue("postgres_template")
    name = f"brandkit_fault_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = make_url(normalise_database_url(POSTGRES_URL)).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if not POSTGRES_URL:
        # Only a developer's machine may lack PostgreSQL; in CI a skip would hide the faults.
        if os.environ.get("CI") == "true":
            pytest.fail("CI must set BRANDKIT_TEST_POSTGRES_URL: the fault tests need PostgreSQL")
        pytest.skip("needs BRANDKIT_TEST_POSTGRES_URL")
    yield from fresh_postgres_database(request)


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_factory(pg_engine: Engine, pg_url: str, tmp_path: Path) -> Factory:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        database_url=pg_url,
        secret_key="live-test-key-of-32-characters-ok",
    )
    return Factory(make_sessionmaker(pg_engine), settings)
