"""Which routers the application serves, and what runs beside it (the embedded job worker)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

# Listeners of in-process notices, registered by import (counting variant downloads).
import brandkit.designs.downloads  # noqa: F401
from brandkit.accounts.endpoints import router as accounts_router
from brandkit.analysis.endpoints import router as analysis_router
from brandkit.brands.endpoints import router as brands_router
from brandkit.console.admin_pages import router as console_admin_router
from brandkit.console.brands_pages import router as console_brands_router
from brandkit.console.editor_pages import router as console_editor_router
from brandkit.console.endpoints import router as console_router
from brandkit.console.exports_pages import router as console_exports_router
from brandkit.console.media_pages import router as console_media_router
from brandkit.contacts.endpoints import router as contacts_router
from brandkit.designs.endpoints import router as designs_router
from brandkit.exports.endpoints import router as exports_router
from brandkit.fonts.endpoints import router as fonts_router
from brandkit.generation.endpoints import router as generation_router
from brandkit.health import router as health_router
from brandkit.jobs.embedded import embedded_worker
from brandkit.media.endpoints import router as media_router
from brandkit.requests.endpoints import router as requests_router
from brandkit.storage.endpoints import router as files_router
from brandkit.uploads.endpoints import router as uploads_router
from brandkit.webhooks.endpoints import exports_router as export_webhooks_router
from brandkit.webhooks.endpoints import router as webhooks_router


def all_routers() -> list[APIRouter]:
    return [
        health_router,
        accounts_router,
        designs_router,
        media_router,
        uploads_router,
        files_router,
        fonts_router,
        generation_router,
        brands_router,
        analysis_router,
        requests_router,
        webhooks_router,
        exports_router,
        export_webhooks_router,
        contacts_router,
        console_router,
        console_media_router,
        console_editor_router,
        console_exports_router,
        console_admin_router,
        console_brands_router,
    ]


@asynccontextmanager
async def background(app: FastAPI) -> AsyncIterator[None]:
    # The embedded worker runs every domain's jobs: this is the serve entry point's import of them.
    import brandkit.tasks  # noqa: F401

    async with embedded_worker(app):
        yield
