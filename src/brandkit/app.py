"""The application factory: routers, middleware, error handlers, shared resources."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine

from brandkit import routers
from brandkit.accounts.auth import SECURITY_SCHEMES
from brandkit.config import Settings
from brandkit.db import make_engine, make_sessionmaker
from brandkit.kit.fetch import UrlFetcher
from brandkit.kit.handlers import install_handlers
from brandkit.kit.logs import configure_logging
from brandkit.kit.middleware import RequestMiddleware
from brandkit.kit.openapi import install_security, operation_id
from brandkit.kit.ratelimit import RateLimiter
from brandkit.storage.base import FILES_ROUTE
from brandkit.storage.factory import make_storage

DESCRIPTION = """
Self-hosted implementation of the design-asset API and the bulk-export API.

Design-asset routes are served at the root (`/media/get`), under `/api/{prod|staging}/v2/`, and
with the tier segment some clients send (`/api/prod/v2/general/media/get`). Every response of that
family is the envelope `{"status", "body"}`. Bulk-export routes live under `/exports/` and answer
errors as `{"title", "status", "detail"}`.

Authenticate with `sivi-api-key: <keyId>:<secret>` or `Authorization: apiKey <keyId>:<secret>`.
"""


_NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level, settings.log_format)
    engine = engine or make_engine(settings.effective_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with routers.background(app):
            yield
        engine.dispose()

    # /docs and /redoc serve Swagger UI and ReDoc from assets in the package, never a CDN: the
    # pages work on a machine with no internet, as the console does.
    app = FastAPIOffline(
        title="Brandkit",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        telemetry=None if settings.opentelemetry else _NO_TELEMETRY,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_sessionmaker(engine)
    app.state.rate_limiter = RateLimiter(settings.redis_url)
    app.state.storage = make_storage(settings)
    app.state.url_fetcher = UrlFetcher.from_settings(settings)
    included = routers.all_routers()
    for router in included:
        app.include_router(router)
    install_handlers(app)
    served = [route for router in included for route in router.routes]
    install_security(app, served, SECURITY_SCHEMES)
    known = frozenset(getattr(route, "path", "") for route in served)
    app.add_middleware(
        RequestMiddleware,
        known_paths=known,
        max_body_bytes=settings.max_body_bytes,
        unbounded_prefix=FILES_ROUTE + "/",
    )
    return app
