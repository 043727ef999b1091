"""Fixtures: every database test runs on SQLite and, when BRANDKIT_TEST_POSTGRES_URL is set, on
PostgreSQL too, each test on a fresh database built by the real migrations."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, text

import brandkit.tasks  # noqa: F401  (every domain's jobs, as the entry points load them)
from brandkit.app import create_app
from brandkit.config import Settings, normalise_database_url
from brandkit.db import engine_for, make_engine, make_sessionmaker
from brandkit.migrate import upgrade
from tests.factories import Factory

POSTGRES_URL = os.environ.get("BRANDKIT_TEST_POSTGRES_URL")
if os.environ.get("CI") == "true" and not POSTGRES_URL:
    raise pytest.UsageError(
        "CI must set BRANDKIT_TEST_POSTGRES_URL: PostgreSQL is not optional there"
    )

BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    assert POSTGRES_URL is not None
    engine = create_engine(normalise_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_admin: Engine) -> Iterator[str]:
    """A database migrated once; each test gets a copy (CREATE DATABASE ... TEMPLATE)."""
    name = f"brandkit_tpl_{WORKER}_{os.getpid()}"
    with postgres_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_database_url(POSTGRES_URL or "")).set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    upgrade(engine)
    engine.dispose()
    yield name
    with postgres_admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "brandkit.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    yield from _fresh_postgres(request)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh migrated PostgreSQL database, for tests of what only PostgreSQL does (COPY)."""
    if not POSTGRES_URL:
        # Only a developer's machine may lack PostgreSQL (CI refuses to start without it).
        pytest.skip("needs BRANDKIT_TEST_POSTGRES_URL")
    yield from _fresh_postgres(request)


def _fresh_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    admin: Engine = request.getfixturevalue("postgres_admin")
    template: str = request.getfixturevalue("postgres_template")
    name = f"brandkit_test_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = make_url(normalise_database_url(POSTGRES_URL or "")).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = engine_for(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        database_url=database_url,
        database_pool_size=5,
        secret_key="test-signing-key-of-32-characters",
        public_base_url="http://testserver",
        embedded_worker=False,
    )


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine=engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def factory(engine: Engine, settings: Settings) -> Factory:
    return Factory(make_sessionmaker(engine), settings)
